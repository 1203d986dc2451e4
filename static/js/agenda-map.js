// The agenda's maps. On the agenda (#agenda-map): one marker per place, its events in the popup;
// the list of places under the map is the same data as HTML. On an event page (#event-map): its place.
import { createMap, readJSON, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;

// Titles are typed by people: built as text nodes, never as HTML.
function popupContent(place) {
  const wrapper = document.createElement("div");
  if (place.label) {
    const title = document.createElement("p");
    title.className = "popup-title";
    title.textContent = place.label;
    wrapper.append(title);
  }
  const list = document.createElement("ul");
  for (const item of place.events) {
    const entry = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    entry.append(link, document.createTextNode(` — ${item.when}${item.cancelled ? " (annulé)" : ""}`));
    list.append(entry);
  }
  wrapper.append(list);
  return wrapper;
}

function markerLabel(place) {
  const n = place.events.length;
  const count = n === 1 ? "1 événement" : `${n} événements`;
  return place.label ? `${place.label} : ${count}` : count;
}

function agendaMap(element, places) {
  element.hidden = false;
  const map = createMap(element);
  for (const place of places) {
    const text = markerLabel(place);
    L.marker([place.lat, place.lng], { title: text, alt: text, keyboard: true })
      .addTo(map)
      .bindPopup(() => popupContent(place));
  }
  const latlngs = places.map((p) => [p.lat, p.lng]);
  if (latlngs.length === 1) map.setView(latlngs[0], 13);
  else if (latlngs.length > 1) map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 14 });
  else map.fitBounds(DEFAULT_BOUNDS);
}

function eventMap(element, points) {
  element.hidden = false;
  const map = createMap(element);
  const point = points[0];
  L.marker([point.lat, point.lng], { title: point.label, alt: point.label }).addTo(map);
  map.setView([point.lat, point.lng], point.precise ? 15 : 12);
}

if (L) {
  const agendaElement = document.getElementById("agenda-map");
  const places = readJSON("agenda-map-points");
  if (agendaElement && places && places.length) agendaMap(agendaElement, places);

  const eventElement = document.getElementById("event-map");
  const points = readJSON("event-map-points");
  if (eventElement && points && points.length) eventMap(eventElement, points);
}
