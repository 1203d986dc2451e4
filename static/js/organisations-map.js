// The organisations directory's map: the same organisations as the list (precise point, else
// the commune's), clustered. Without JavaScript the map block stays hidden and the list remains.
import { createMap, readJSON, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const block = document.getElementById("organisations-map-block");
const element = document.getElementById("organisations-map");
const items = readJSON("organisations-map-items");
const config = readJSON("organisations-map-config") || {};

function popupContent(item) {
  // Names are typed by people: text nodes, never HTML.
  const wrapper = document.createElement("div");
  const title = document.createElement("a");
  title.href = item.url;
  title.textContent = item.name;
  title.className = "popup-title";
  wrapper.append(title);
  if (item.place) {
    const place = document.createElement("p");
    place.textContent = item.place;
    wrapper.append(place);
  }
  return wrapper;
}

if (L && block && element && items && items.length) {
  block.hidden = false;
  const map = createMap(element);
  const layer = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 }) : L.layerGroup();
  const latlngs = [];
  for (const item of items) {
    const marker = L.marker([item.lat, item.lng], { title: item.name, alt: item.name, keyboard: true });
    marker.bindPopup(popupContent(item));
    layer.addLayer(marker);
    latlngs.push([item.lat, item.lng]);
  }
  map.addLayer(layer);
  if (latlngs.length === 1) map.setView(latlngs[0], items[0].precise ? 15 : 12);
  else if (latlngs.length > 1) map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 14 });
  else map.fitBounds(config.bounds || DEFAULT_BOUNDS);
  const status = document.getElementById(element.dataset.statusId);
  const strings = config.strings || {};
  if (status && strings.one && strings.many) {
    status.textContent = items.length === 1 ? strings.one : strings.many.replace("%(count)s", String(items.length));
  }
}
