// Point picker: a small map to place a precise point, on top of two ordinary number fields.
//
// HTML contract
//   <label for="id_latitude">Latitude</label>   <input type="number" step="any" id="id_latitude" name="latitude">
//   <label for="id_longitude">Longitude</label> <input type="number" step="any" id="id_longitude" name="longitude">
//   <div data-point-picker
//        data-lat-input="id_latitude" data-lng-input="id_longitude"  (ids of the two fields; required)
//        data-clear-label="Retirer le point"                          (the button's text, translated by the template;
//                                                                      without it there is no button)
//        data-center-lat="48.39" data-center-lng="-4.49"             (optional: where to look when there is no point,
//                                                                      e.g. the place's commune; else the pays de Brest)
//        data-commune-input="id_commune"                              (optional: the commune field whose
//                                                                      `commune-selected` event recentres the map;
//                                                                      by default any such event inside the same form)
//        data-map-label="Carte : cliquez pour placer le point"        (optional: aria-label of the map region)
//        data-marker-label="Point choisi"></div>                      (optional: title and alt text of the marker)
// The page also loads Leaflet and the tiles' settings, as the other maps do:
//   templates/maps/_head.html (leaflet.css), <script src="{% static 'vendor/leaflet/leaflet.js' %}" nonce=…>,
//   {{ MAP_TILES|json_script:"map-tiles" }}, then this module (type="module", with the nonce).
//
// Without JavaScript (and with the keyboard) the point is typed in the two fields, which stay visible
// and ordinary. With this module, the container receives a map and a button:
//   - a marker, draggable, stands at the fields' values when both hold a valid latitude and longitude;
//     otherwise the map is centred on data-center-lat/lng, or on the commune of a `commune-selected`
//     event (detail {lat, lng}, see commune-autocomplete.js);
//   - a click on the map, or dropping the marker, writes the point into the two fields, rounded to six
//     decimals (about 10 cm), and dispatches `input` and `change` events on them;
//   - typing in the fields moves the marker; emptying one removes it;
//   - the button (type="button", hidden while there is no point) empties both fields and removes the
//     marker, then moves the focus to the latitude field.
// Pickers added later (a new place in a formset) are enhanced by calling enhancePointPickers(container).
import { createMap, DEFAULT_BOUNDS } from "./map-common.js";

const L = window.L;
const POINT_ZOOM = 16;
const COMMUNE_ZOOM = 13;

function parseCoordinate(value, limit) {
  const text = String(value).trim().replace(",", ".");
  if (text === "") return null;
  const number = Number(text);
  return Number.isFinite(number) && Math.abs(number) <= limit ? number : null;
}

function round6(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

function enhance(container) {
  if (container.dataset.pointPickerReady || !L) return;
  const latInput = document.getElementById(container.dataset.latInput);
  const lngInput = document.getElementById(container.dataset.lngInput);
  if (!latInput || !lngInput) return;
  container.dataset.pointPickerReady = "true";

  const mapElement = document.createElement("div");
  mapElement.className = "map map-small point-picker-map";
  if (container.dataset.mapLabel) {
    mapElement.setAttribute("role", "region");
    mapElement.setAttribute("aria-label", container.dataset.mapLabel);
  }
  const clearButton = document.createElement("button");
  clearButton.type = "button";
  clearButton.className = "point-picker-clear";
  clearButton.textContent = container.dataset.clearLabel;
  container.append(mapElement);
  // No text, no button: the fields can still be emptied by hand.
  if (container.dataset.clearLabel) container.append(clearButton);

  const map = createMap(mapElement);
  let marker = null;

  function fieldsPoint() {
    const lat = parseCoordinate(latInput.value, 90);
    const lng = parseCoordinate(lngInput.value, 180);
    return lat === null || lng === null ? null : L.latLng(lat, lng);
  }

  function showMarker(latlng) {
    if (!marker) {
      const label = container.dataset.markerLabel;
      marker = L.marker(latlng, { draggable: true, autoPan: true, ...(label ? { title: label, alt: label } : {}) });
      marker.on("dragend", () => writeFields(marker.getLatLng()));
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
    clearButton.hidden = false;
  }

  function removeMarker() {
    if (marker) {
      marker.remove();
      marker = null;
    }
    clearButton.hidden = true;
  }

  function announce(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function writeFields(latlng) {
    const point = latlng.wrap(); // a click on a repeated world gives a longitude beyond ±180
    latInput.value = round6(point.lat);
    lngInput.value = round6(point.lng);
    showMarker(point);
    announce(latInput);
    announce(lngInput);
  }

  function followFields() {
    const point = fieldsPoint();
    if (!point) {
      removeMarker();
      return;
    }
    showMarker(point);
    if (!map.getBounds().contains(point)) map.panTo(point);
  }

  // Where to look first.
  const start = fieldsPoint();
  const centerLat = parseCoordinate(container.dataset.centerLat ?? "", 90);
  const centerLng = parseCoordinate(container.dataset.centerLng ?? "", 180);
  if (start) {
    map.setView(start, POINT_ZOOM);
    showMarker(start);
  } else if (centerLat !== null && centerLng !== null) {
    map.setView([centerLat, centerLng], COMMUNE_ZOOM);
    removeMarker();
  } else {
    map.fitBounds(DEFAULT_BOUNDS);
    removeMarker();
  }

  map.on("click", (event) => writeFields(event.latlng));
  latInput.addEventListener("input", followFields);
  lngInput.addEventListener("input", followFields);
  latInput.addEventListener("change", followFields);
  lngInput.addEventListener("change", followFields);

  clearButton.addEventListener("click", () => {
    latInput.value = "";
    lngInput.value = "";
    removeMarker();
    announce(latInput);
    announce(lngInput);
    latInput.focus();
  });

  // A commune chosen in the commune field: look there, unless a point is already placed.
  const communeInput = container.dataset.communeInput && document.getElementById(container.dataset.communeInput);
  const communeScope = communeInput || container.closest("form") || document;
  communeScope.addEventListener("commune-selected", (event) => {
    const { lat, lng } = event.detail || {};
    if (marker || !Number.isFinite(lat) || !Number.isFinite(lng)) return;
    map.setView([lat, lng], COMMUNE_ZOOM);
  });

  // A map drawn while hidden (a closed <details>, a tab) has no size: redraw when it gets one.
  if ("ResizeObserver" in window) new ResizeObserver(() => map.invalidateSize()).observe(mapElement);
}

export function enhancePointPickers(root = document) {
  root.querySelectorAll("[data-point-picker]").forEach(enhance);
}

enhancePointPickers();
