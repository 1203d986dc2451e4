// Shared helpers for the Leaflet maps. Leaflet itself is loaded as a classic script (window.L).
const L = window.L;

export function readJSON(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

export function createMap(element, options = {}) {
  const tiles = readJSON("map-tiles");
  const map = L.map(element, { scrollWheelZoom: false, ...options });
  L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  map.attributionControl.setPrefix(false);
  return map;
}

// Pays de Brest, used when a page gives no bounds.
export const DEFAULT_BOUNDS = [[48.1, -5.2], [48.7, -3.9]];
