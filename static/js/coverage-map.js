// The observatory's coverage map: one circle per commune, sized by its number of published fiches.
// The same figures are in the table below the map (its accessible alternative).
import { createMap, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const element = document.getElementById("coverage-map");

function radius(count, largest) {
  // Area proportional to the count, between 5 and 28 pixels of radius.
  return 5 + 23 * Math.sqrt(count / Math.max(largest, 1));
}

function popup(point, unit) {
  // Commune names come from the database: text nodes only, never HTML.
  const box = document.createElement("div");
  const link = document.createElement("a");
  link.href = point.url;
  link.textContent = point.name;
  const title = document.createElement("strong");
  title.append(link);
  box.append(title, document.createElement("br"), document.createTextNode(`${point.count} ${unit}`));
  return box;
}

async function draw() {
  const status = document.getElementById(element.dataset.statusId);
  const map = createMap(element);
  map.fitBounds(DEFAULT_BOUNDS);
  try {
    const response = await fetch(element.dataset.url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { points } = await response.json();
    const largest = Math.max(...points.map((p) => p.count), 1);
    const bounds = [];
    // Largest circles first, so the small ones stay clickable on top.
    for (const point of [...points].sort((a, b) => b.count - a.count)) {
      L.circleMarker([point.lat, point.lng], {
        radius: radius(point.count, largest), color: "#ffffff", weight: 1.5, fillColor: "#083f54", fillOpacity: 0.7,
      }).addTo(map).bindPopup(popup(point, element.dataset.fiches || ""));
      bounds.push([point.lat, point.lng]);
    }
    if (bounds.length === 1) map.setView(bounds[0], 11);
    else if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 });
    element.dataset.loaded = "true";
  } catch (error) {
    if (status) status.textContent = "La carte n'a pas pu charger les communes ; le tableau ci-dessous donne les mêmes chiffres.";
  }
}

if (L && element) draw();
