// The small map on a fiche: its places, fitted.
import { createMap, readJSON } from "./map-common.js";

const L = window.L;
const element = document.getElementById("fiche-map");
const points = readJSON("fiche-map-points");

if (element && points && points.length) {
  const map = createMap(element);
  const latlngs = points.map((p) => [p.lat, p.lng]);
  for (const point of points) {
    L.marker([point.lat, point.lng], { title: point.label, alt: point.label }).addTo(map).bindPopup(document.createTextNode(point.label)); // typed by people: text, never HTML
  }
  if (latlngs.length === 1) map.setView(latlngs[0], points[0].precise ? 15 : 12);
  else map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 14 });
}
