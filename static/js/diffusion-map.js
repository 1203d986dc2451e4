// The diffusion map of a fiche: the original's places, every place where it was reproduced or
// inspired another initiative, and a line from each source to each of them. The same information
// is in the list below the map (the page works without JavaScript: the map stays hidden).
import { createMap, readJSON } from "./map-common.js";

const L = window.L;
const figure = document.getElementById("diffusion-map-figure");
const element = document.getElementById("diffusion-map");
const data = readJSON("diffusion-map-data");

const COLORS = { original: "#083f54", reproduction: "#b35900", inspiration: "#1b7f4c" };

function popup(fiche, place, caption) {
  // Titles and communes are typed by people: text nodes only, never HTML.
  const box = document.createElement("div");
  const link = document.createElement("a");
  link.href = fiche.url;
  link.textContent = fiche.title;
  const title = document.createElement("strong");
  title.append(link);
  box.append(title, document.createElement("br"), document.createTextNode(place.label));
  if (caption) box.append(document.createElement("br"), document.createTextNode(caption));
  return box;
}

function draw() {
  figure.hidden = false;
  const map = createMap(element);
  const points = [];
  const anchors = new Map(); // fiche id -> its first place: where its lines start
  const original = data.original;
  if (original.places.length) anchors.set(original.id, original.places[0]);
  for (const item of data.descendants) {
    if (item.places.length && !anchors.has(item.id)) anchors.set(item.id, item.places[0]);
  }

  // Lines first, markers on top.
  for (const item of data.descendants) {
    const from = anchors.get(item.from);
    if (!from) continue;
    for (const place of item.places) {
      L.polyline([[from.lat, from.lng], [place.lat, place.lng]], {
        color: COLORS[item.kind] || COLORS.reproduction,
        weight: item.depth === 1 ? 3 : 2,
        opacity: item.pending ? 0.45 : 0.9,
        dashArray: item.kind === "inspiration" ? "8 6" : null,
        interactive: false,
      }).addTo(map);
    }
  }
  for (const item of data.descendants) {
    const caption = item.kind_label + (item.pending ? " — " + (figure.dataset.pending || "") : "");
    for (const place of item.places) {
      L.circleMarker([place.lat, place.lng], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: COLORS[item.kind] || COLORS.reproduction,
        fillOpacity: item.pending ? 0.55 : 0.95,
      }).addTo(map).bindPopup(popup(item, place, caption));
      points.push([place.lat, place.lng]);
    }
  }
  for (const place of original.places) {
    L.circleMarker([place.lat, place.lng], {
      radius: 10, color: "#ffffff", weight: 3, fillColor: COLORS.original, fillOpacity: 1,
    }).addTo(map).bindPopup(popup(original, place, figure.dataset.original || ""));
    points.push([place.lat, place.lng]);
  }

  if (points.length === 1) map.setView(points[0], 11);
  else map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
}

if (L && figure && element && data) draw();
