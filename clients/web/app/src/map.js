// A Leaflet map that needs no tile server: the département's outline (the hull of the communes
// the project knows) and the facilities as points. When the configuration names a tile server
// (config.json: {"tiles": {"url": "...", "attribution": "..."}}), its tiles are drawn underneath.
import { config, geography } from './context.js';
import { escape } from './html.js';

// Leaflet is loaded on the first map (a separate chunk): the sign-in page does not pay for it.
export async function createMap(element, departements = []) {
  const L = (await import('leaflet')).default;
  const map = L.map(element, { zoomControl: true, attributionControl: Boolean(config().tiles?.url), scrollWheelZoom: false });
  const tiles = config().tiles;
  if (tiles?.url) L.tileLayer(tiles.url, { attribution: tiles.attribution ?? '', maxZoom: 18 }).addTo(map);
  const outlines = L.layerGroup().addTo(map);
  const points = L.layerGroup().addTo(map);
  let bounds = null;
  for (const code of departements) {
    const dept = geography().departements?.[code];
    if (!dept?.outline?.length) continue;
    const polygon = L.polygon(dept.outline, { color: '#000091', weight: 2, fillColor: '#e3e3fd', fillOpacity: 0.35, interactive: false });
    polygon.addTo(outlines);
    bounds = bounds ? bounds.extend(polygon.getBounds()) : polygon.getBounds();
    for (const commune of dept.communes.slice(0, 12)) {
      L.circleMarker([commune.lat, commune.lon], { radius: 2, color: '#666', weight: 1, interactive: false })
        .bindTooltip(escape(commune.name), { permanent: false }).addTo(outlines);
    }
  }
  map.setView(bounds ? bounds.getCenter() : [46.6, 2.5], bounds ? 8 : 5);
  if (bounds) map.fitBounds(bounds.pad(0.05));
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', "Carte : contour approximatif du département et établissements");

  return {
    // places: [{lat, lon, label, tone: 'ok'|'stale'|'taken'|'held', number}]
    show(places, { fit = false } = {}) {
      points.clearLayers();
      const markers = [];
      for (const place of places) {
        if (!Number.isFinite(place.lat) || !Number.isFinite(place.lon) || (place.lat === 0 && place.lon === 0)) continue;
        const icon = L.divIcon({
          className: `map-point map-point--${place.tone ?? 'ok'}`,
          html: place.number ? `<span>${escape(String(place.number))}</span>` : '',
          iconSize: [26, 26], iconAnchor: [13, 13],
        });
        markers.push(L.marker([place.lat, place.lon], { icon, title: place.label, keyboard: false })
          .bindTooltip(escape(place.label)).addTo(points));
      }
      if (fit && markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 10 });
    },
    center(lat, lon) {
      L.circleMarker([lat, lon], { radius: 7, color: '#000091', fillColor: '#fff', fillOpacity: 1, weight: 3, interactive: false }).addTo(points);
    },
    invalidate() { map.invalidateSize(); },
    remove() { map.remove(); },
  };
}
