// The ambassadors directory's map: one marker per offer, at the person's commune or the fiche's place.
// The list on the page is its alternative; without JavaScript the map block stays hidden.
import { createMap, readJSON, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const block = document.getElementById("ambassadors-map-block");
const element = document.getElementById("ambassadors-map");
const points = readJSON("ambassadors-map-points");

function popupContent(point) {
  // Names and titles are typed by people: built as text nodes, never as HTML.
  const wrapper = document.createElement("div");
  const name = document.createElement("a");
  name.href = point.profile_url;
  name.textContent = point.name;
  name.className = "popup-title";
  const fiche = document.createElement("p");
  fiche.append("Ambassadeur de ");
  const link = document.createElement("a");
  link.href = point.fiche_url;
  link.textContent = point.fiche;
  fiche.append(link);
  wrapper.append(name, fiche);
  if (point.where) {
    const where = document.createElement("p");
    where.textContent = point.where;
    wrapper.append(where);
  }
  return wrapper;
}

if (block && element && L && points && points.length) {
  block.hidden = false;
  const map = createMap(element);
  const markers = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 }) : L.layerGroup();
  for (const point of points) {
    const label = `${point.name} — ${point.fiche}`;
    const marker = L.marker([point.lat, point.lng], { title: label, alt: label });
    marker.bindPopup(() => popupContent(point));
    markers.addLayer(marker);
  }
  map.addLayer(markers);
  const latlngs = points.map((p) => [p.lat, p.lng]);
  if (latlngs.length === 1) map.setView(latlngs[0], 11);
  else map.fitBounds(latlngs.length ? latlngs : readJSON("ambassadors-map-bounds") || DEFAULT_BOUNDS, { padding: [30, 30], maxZoom: 12 });
  const status = document.getElementById(element.dataset.statusId);
  if (status) status.textContent = points.length === 1 ? "1 ambassadeur sur la carte" : `${points.length} ambassadeurs sur la carte`;
}
