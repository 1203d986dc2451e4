// The people directory's map: one marker per commune (its reference point, never more precise),
// with the people of that commune in the popup. The list under the map is the same data as HTML.
import { createMap, readJSON, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const element = document.getElementById("people-map");
const points = readJSON("people-map-points");

function label(point) {
  return point.count === 1 ? `${point.commune} : 1 personne` : `${point.commune} : ${point.count} personnes`;
}

// Names are typed by people: built as text nodes, never as HTML.
function popupContent(point) {
  const wrapper = document.createElement("div");
  const title = document.createElement("a");
  title.href = point.list_url;
  title.className = "popup-title";
  title.textContent = label(point);
  const list = document.createElement("ul");
  for (const person of point.people) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = person.url;
    link.textContent = person.name;
    item.append(link);
    list.append(item);
  }
  wrapper.append(title, list);
  if (point.more > 0) {
    const more = document.createElement("p");
    more.textContent = point.more === 1 ? "et 1 autre personne" : `et ${point.more} autres personnes`;
    wrapper.append(more);
  }
  return wrapper;
}

if (element && points && points.length && L) {
  element.hidden = false;
  const map = createMap(element);
  for (const point of points) {
    const text = label(point);
    L.marker([point.lat, point.lng], { title: text, alt: text, keyboard: true })
      .addTo(map)
      .bindPopup(() => popupContent(point));
  }
  const latlngs = points.map((p) => [p.lat, p.lng]);
  if (latlngs.length === 1) map.setView(latlngs[0], 12);
  else if (latlngs.length > 1) map.fitBounds(latlngs, { padding: [30, 30], maxZoom: 13 });
  else map.fitBounds(DEFAULT_BOUNDS);
}
