// The innovations map: markers loaded by bounding box and zoom from the JSON endpoint.
// Above a few hundred places in view the server answers with grid clusters (counts),
// so the browser never receives the whole corpus.
import { createMap, readJSON, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const element = document.getElementById("map");
const config = readJSON("map-config");

if (element && config) {
  const map = createMap(element);
  const status = document.getElementById(element.dataset.statusId);
  const markers = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
  const serverClusters = L.layerGroup();
  map.addLayer(markers);
  map.addLayer(serverClusters);
  map.fitBounds(config.bounds || DEFAULT_BOUNDS);

  let controller = null;
  // The marker whose popup is open, reopened after a reload: opening a popup near the edge
  // pans the map, which reloads and redraws the markers and would close it at once.
  let openKey = null;

  function popupContent(item) {
    const wrapper = document.createElement("div");
    const title = document.createElement("a");
    title.href = item.url;
    title.textContent = item.title;
    title.className = "popup-title";
    const pitch = document.createElement("p");
    pitch.textContent = item.pitch;
    wrapper.append(title, pitch);
    return wrapper;
  }

  function clusterIcon(count) {
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      html: `<div><span>${count}</span></div>`,
      className: `marker-cluster marker-cluster-${size}`,
      iconSize: L.point(40, 40),
    });
  }

  function render(data) {
    const reopen = openKey;
    markers.clearLayers();
    serverClusters.clearLayers();
    for (const [lat, lng, count] of data.clusters) {
      const cluster = L.marker([lat, lng], {
        icon: clusterIcon(count),
        title: `${count} innovations`,
        alt: `${count} innovations`,
        keyboard: true,
      });
      cluster.on("click", () => map.setView([lat, lng], Math.min(map.getZoom() + 2, 18)));
      serverClusters.addLayer(cluster);
    }
    const layers = data.markers.map((item) => {
      const key = `${item.id}:${item.lat}:${item.lng}`;
      const marker = L.marker([item.lat, item.lng], { title: item.title, alt: item.title });
      marker.bindPopup(() => popupContent(item));
      marker.on("popupopen", () => { openKey = key; });
      marker.on("popupclose", () => { if (openKey === key) openKey = null; });
      marker.key = key;
      return marker;
    });
    markers.addLayers(layers);
    const again = reopen && layers.find((marker) => marker.key === reopen);
    if (again && map.hasLayer(again)) again.openPopup();
    if (status) {
      // A fiche can have several places: the count is of places, not of fiches.
      status.textContent =
        data.total === 1 ? "1 lieu d'innovation dans cette vue" : `${data.total} lieux d'innovation dans cette vue`;
    }
  }

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const b = map.getBounds();
    const params = new URLSearchParams(config.query || "");
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(","));
    params.set("zoom", String(map.getZoom()));
    try {
      const response = await fetch(`${config.endpoint}?${params}`, { signal: controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      render(await response.json());
      element.dataset.loaded = "true";
    } catch (error) {
      if (error.name !== "AbortError" && status) status.textContent = "La carte n'a pas pu charger les innovations.";
    }
  }

  map.on("moveend", load);
  load();
}
