/* roadlog's code in report.html and drivers.html (reports/map.c inlines
 * it after Leaflet and Leaflet.markercluster, which Debian's libjs-leaflet
 * packages provide): the maps drawn from the JSON blocks the page
 * carries, sortable and filterable tables, evidence opened from a map
 * marker or a link, every detail shown when printing.
 * Text from the data is put in with textContent, never as HTML. */
(function () {
  'use strict';
  function data(id) {
    var e = document.getElementById(id);
    return e ? JSON.parse(e.textContent) : null;
  }
  var conf = data('rl-conf') || {};
  var kinds = {s: '#d1242f', f: '#e36209', n: '#8250df', g: '#57606a', w: '#0a7f55', z: '#bf3989'};
  var maps = [];

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  /* ---- maps ---- */
  function coordControl(map) {
    var c = L.control({position: 'bottomright'});
    c.onAdd = function () {
      var d = el('div', conf.coordLabel || '', 'rl-coord');
      map.on('mousemove', function (ev) {
        d.textContent = (conf.coordName || '') + ' ' + ev.latlng.lng.toFixed(6) + ', ' + ev.latlng.lat.toFixed(6);
      });
      return d;
    };
    c.addTo(map);
  }

  function newMap(div) {
    var map = L.map(div, {preferCanvas: true, zoomSnap: 0.5, maxZoom: 19, minZoom: 3});
    if (conf.tiles) {
      L.tileLayer(conf.tiles, {maxZoom: 19, attribution: conf.tilesNote || ''}).addTo(map);
    } else {
      div.classList.add('rl-plain');
    }
    L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
    coordControl(map);
    maps.push(map);
    return map;
  }

  function popup(ev, plate, href) {
    var d = el('div', null, 'rl-pop');
    d.appendChild(el('b', conf.types[ev[2]]));
    if (plate) d.appendChild(el('div', plate, 'rl-pop-plate'));
    if (ev[5]) d.appendChild(el('div', ev[5]));
    var a = el('a', conf.evidence || 'evidence');
    a.href = href + '#x' + ev[4];
    d.appendChild(a);
    return d;
  }

  function marker(ev, cls, label) {
    var m = L.circleMarker([ev[0], ev[1]], {radius: 7, color: '#fff', weight: 1.5, fillColor: kinds[cls] || '#57606a', fillOpacity: 0.95});
    if (label) m.bindTooltip(label, {permanent: false, direction: 'top'});
    return m;
  }

  function clusterGroup() {
    return L.markerClusterGroup ? L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 40, showCoverageOnHover: false})
                                : L.featureGroup();
  }

  function zonesLayer(zones) {
    return L.geoJSON(zones, {
      /* a route or road as its line, a polygon outlined and lightly filled */
      style: function (f) {
        var line = f.geometry && /LineString/.test(f.geometry.type);
        return line ? {color: '#0a7f55', weight: 5, opacity: 0.5}
                    : {color: '#bf3989', weight: 2, fillOpacity: 0.08, dashArray: '6 4'};
      },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        layer.bindTooltip(String(p.zone_name || p.zone_id || ''), {sticky: true});
      }
    });
  }

  function stationsLayer(stations) {
    var g = L.featureGroup();
    stations.forEach(function (s) {
      L.circleMarker([s[0], s[1]], {radius: 6, color: '#0a7f55', weight: 2, fillColor: '#fff', fillOpacity: 1})
        .bindTooltip(String(s[2] || ''), {direction: 'top'}).addTo(g);
    });
    return g;
  }

  /* the run's zones (one block), all of them or those of some ids */
  var allZones = data('rl-zones') || [];
  function zonesOf(ids) {
    if (!ids) return allZones;
    return allZones.filter(function (z) { return z && z.properties && ids.indexOf(String(z.properties.zone_id)) >= 0; });
  }

  function fit(map, layers) {
    var b = null;
    layers.forEach(function (l) {
      if (!l || !l.getBounds) return;
      var lb = l.getBounds();
      if (lb.isValid()) b = b ? b.extend(lb) : L.latLngBounds(lb.getSouthWest(), lb.getNorthEast());
    });
    if (b) map.fitBounds(b.pad(0.05), {maxZoom: 15});
    else map.setView([35, 105], 4);
  }

  function overview(div, d) {
    var map = newMap(div);
    var g = clusterGroup();
    d.e.forEach(function (ev) {
      var v = d.v[ev[3]];
      var m = marker(ev, ev[6], conf.types[ev[2]] + ' · ' + v[0]);
      m.bindPopup(function () { return popup(ev, v[0], v[1]); });
      g.addLayer(m);
    });
    var layers = {};
    layers[conf.lEvents] = g;
    g.addTo(map);
    finish(div, map, d, layers, [g], zonesOf(null));
  }

  /* zones and stations over the events, the layer control, the view;
   * the map notes what it drew (tests/browser.py reads it) */
  function finish(div, map, d, layers, all, zs) {
    if (zs.length) { var z = zonesLayer(zs).addTo(map); layers[conf.lZones] = z; all.push(z); }
    if (d.s && d.s.length) { var s = stationsLayer(d.s).addTo(map); layers[conf.lStations] = s; all.push(s); }
    L.control.layers(null, layers, {collapsed: false}).addTo(map);
    fit(map, all);
    div.setAttribute('data-events', String(d.e.length));
    div.setAttribute('data-zones', String(zs.length));
  }

  function vehicleMap(div, d) {
    var map = newMap(div);
    var track = L.featureGroup();
    d.t.forEach(function (seg) {
      L.polyline(seg, {color: '#1f6feb', weight: 2.5, opacity: 0.8, smoothFactor: 1}).addTo(track);
    });
    track.addTo(map);
    var shapes = L.featureGroup();
    var g = clusterGroup();
    d.e.forEach(function (ev) {
      if (ev[7] && ev[7].length > 1) {
        L.polyline(ev[7], {color: kinds[ev[6]] || '#57606a', weight: 6, opacity: 0.75})
          .bindPopup(function () { return popup(ev, null, ''); }).addTo(shapes);
      }
      var m = marker(ev, ev[6], '#' + ev[3] + ' ' + conf.types[ev[2]]);
      m.bindPopup(function () { return popup(ev, null, ''); });
      g.addLayer(m);
    });
    shapes.addTo(map);
    g.addTo(map);
    var layers = {};
    layers[conf.lTrack] = track;
    layers[conf.lEvents] = g;
    finish(div, map, d, layers, [track, g], zonesOf(d.zi || []));
  }

  function drawMaps() {
    if (typeof L === 'undefined') return;
    Array.prototype.forEach.call(document.querySelectorAll('div.rl-map[data-src]'), function (div) {
      var d = data(div.getAttribute('data-src'));
      if (!d) return;
      if (d.kind === 'all') overview(div, d);
      else vehicleMap(div, d);
      div.setAttribute('data-drawn', '1');
    });
  }

  /* ---- tables: sort by a click on a column title, filter by text ---- */
  function cellKey(td) {
    var v = td.getAttribute('data-v');
    if (v !== null) return parseFloat(v);
    var t = td.textContent.trim();
    var n = parseFloat(t.replace(/[,\s]/g, ''));
    return !isNaN(n) && /^[-+]?[0-9]/.test(t) ? n : t;
  }

  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellKey(a.cells[col]), y = cellKey(b.cells[col]);
      var r;
      if (typeof x === 'number' && typeof y === 'number') r = x - y;
      else r = String(x).localeCompare(String(y), conf.lang || 'en');
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function tables() {
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
      if (!table.tHead) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.classList.add('rl-sort');
        th.tabIndex = 0;
        th.addEventListener('click', function () { sortBy(table, i, th); });
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sortBy(table, i, th); });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[data-filter]'), function (input) {
      var table = document.getElementById(input.getAttribute('data-filter'));
      if (!table) return;
      input.addEventListener('input', function () {
        var q = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    });
  }

  /* ---- evidence: opened from a link or a marker; all of it in print ---- */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var t = id ? document.getElementById(id) : null;
    if (t && t.tagName === 'DETAILS') { t.open = true; t.scrollIntoView(); }
  }

  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
    maps.forEach(function (m) { m.invalidateSize(); });
  });
  window.addEventListener('hashchange', openTarget);
  tables();
  drawMaps();
  openTarget();
  document.documentElement.setAttribute('data-rl-ready', '1');
})();
