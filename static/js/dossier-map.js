// The map of a dossier: its fiches, numbered in the dossier's order (the list on the page says the same).
import { createMap, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const element = document.getElementById("dossier-map");

async function draw() {
  const response = await fetch(element.dataset.pointsUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { points } = await response.json();
  const map = createMap(element);
  if (!points.length) {
    map.fitBounds(DEFAULT_BOUNDS);
    return;
  }
  const latlngs = [];
  for (const point of points) {
    const label = `${point.number}. ${point.title} (${point.place})`;
    const icon = L.divIcon({ className: "leaflet-div-icon dossier-marker", html: "", iconSize: [28, 28] });
    const marker = L.marker([point.lat, point.lng], { title: label, alt: label, icon }).addTo(map);
    // Titles are typed by people: built as text nodes, never as HTML.
    const link = document.createElement("a");
    link.href = point.url;
    link.textContent = label;
    marker.bindPopup(link);
    marker.getElement()?.appendChild(document.createTextNode(String(point.number)));
    latlngs.push([point.lat, point.lng]);
  }
  if (latlngs.length === 1) map.setView(latlngs[0], 13);
  else map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 14 });
}

if (element && element.dataset.pointsUrl) {
  draw().catch(() => {
    element.hidden = true; // the numbered list below stays the way to read the dossier
  });
}
