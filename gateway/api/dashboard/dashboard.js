// nabo dashboard: live values from /api/events, the rest from the JSON API (docs/api.md).
'use strict';
(function () {
  const token = new URLSearchParams(location.search).get('token');
  const withToken = (path) => (token ? path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : path);
  const $ = (id) => document.getElementById(id);
  const text = (s) => document.createTextNode(s === null || s === undefined ? '–' : String(s));
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : text(c));
    return e;
  };
  const power = (w) => (w === null || w === undefined ? '–' : Math.abs(w) >= 10000 ? (w / 1000).toFixed(1) + ' kW' : Math.round(w) + ' W');
  const energy = (wh) => (Math.abs(wh) >= 10000 ? (wh / 1000).toFixed(1) + ' kWh' : wh + ' Wh');
  const money = (minor) => (minor / 100).toFixed(2);
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '–');
  const duration = (s) => (s >= 86400 ? Math.floor(s / 86400) + 'd ' : '') + new Date((s % 86400) * 1000).toISOString().slice(11, 19);
  // Meter values arrive as floats (-205.0186767578125 W): two decimals are more than a meter's accuracy.
  const round2 = (x) => (typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 100) / 100 : x);
  const fmtValue = (v) => (v && typeof v === 'object' && 'value' in v ? round2(v.value) + (v.unit ? ' ' + v.unit : '') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(round2(v)));

  function setFlow(id, w, hint) {
    $(id).querySelector('.value').textContent = power(w);
    $(id).querySelector('.hint').textContent = hint || '';
  }

  // The flows chart: the last 10 minutes of live values, one line per flow. chart.js is loaded
  // by script so the token (required off loopback) goes with it.
  const MAX_POINTS = 600;
  let chart = null;
  const chartScript = document.createElement('script');
  chartScript.src = withToken('/assets/chart.js');
  chartScript.onload = () => {
    const ds = (label, color) => ({ label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, tension: 0.2 });
    chart = new window.Chart($('flows-chart'), {
      type: 'line',
      data: { labels: [], datasets: [ds('Grid', '#5b6b8c'), ds('PV', '#e5a50a'), ds('Battery', '#2a7fbf'), ds('Load', '#8c4fb5')] },
      options: { animation: false, maintainAspectRatio: false, interaction: { intersect: false, mode: 'index' }, scales: { x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } }, y: { title: { display: true, text: 'W' } } } },
    });
  };
  document.head.append(chartScript);

  function onValues(v) {
    const f = v.flows || {};
    setFlow('flow-grid', f.gridW, f.gridW === null || f.gridW === undefined ? '' : f.gridW >= 0 ? 'importing' : 'exporting');
    setFlow('flow-pv', f.pvW, '');
    setFlow('flow-battery', f.batteryW, (f.socPercent !== null && f.socPercent !== undefined ? Math.round(f.socPercent) + ' % · ' : '') + (f.batteryW > 0 ? 'discharging' : f.batteryW < 0 ? 'charging' : ''));
    setFlow('flow-load', f.loadW, '');
    $('now').textContent = time(v.now);
    if (chart) {
      chart.data.labels.push(time(v.now));
      [f.gridW, f.pvW, f.batteryW, f.loadW].forEach((x, i) => chart.data.datasets[i].data.push(x === undefined ? null : x));
      if (chart.data.labels.length > MAX_POINTS) {
        chart.data.labels.shift();
        chart.data.datasets.forEach((d) => d.data.shift());
      }
      chart.update('none');
    }
  }

  function definitionList(obj) {
    const dl = el('dl');
    for (const [k, v] of Object.entries(obj || {})) dl.append(el('dt', {}, k), el('dd', {}, v === null || v === undefined ? '–' : fmtValue(v)));
    return dl;
  }

  // An interval as the API's market view gives it (docs/api.md); other shapes fall back to a plain list.
  const INTERVAL_LABELS = { state: 'state', reason: 'why grid only', offeredWh: 'offered', bidWh: 'bid', clearingPriceMinorPerKWh: 'block price', tradedWh: 'traded', amountMinor: 'paid (−: received)' };
  function intervalList(part) {
    if (!('state' in part && 'offeredWh' in part)) return definitionList(part);
    const dl = el('dl', { class: 'interval', 'data-state': part.state });
    dl.append(el('dt', {}, 'interval'), el('dd', {}, time(part.intervalStart)));
    for (const [k, label] of Object.entries(INTERVAL_LABELS)) {
      const v = part[k];
      if (v === null || v === undefined || (k === 'reason' && !v)) continue;
      const shown = k === 'clearingPriceMinorPerKWh' ? money(v) + '/kWh' : k === 'amountMinor' ? money(v) : k === 'tradedWh' ? (v < 0 ? 'sold ' : v > 0 ? 'bought ' : '') + energy(Math.abs(v)) : k.endsWith('Wh') ? energy(v) : v;
      dl.append(el('dt', {}, label), el('dd', { 'data-field': k }, shown));
    }
    return dl;
  }

  function renderMarket(market) {
    const box = $('market');
    box.replaceChildren();
    if (!market) {
      box.append(el('p', { class: 'muted', id: 'no-market' }, 'no market configured'));
      return;
    }
    // The current and the next interval, then the connection and the recent rounds.
    const { current, next, intervals, rejections, counters, rosterRefusals, publicKey, ...rest } = market;
    for (const [title, part, id] of [['Current interval', current, 'market-current'], ['Next interval', next, 'market-next']]) {
      if (part === undefined) continue;
      box.append(el('h3', {}, title), part && typeof part === 'object' ? Object.assign(intervalList(part), { id }) : el('p', { class: 'muted' }, part === null ? 'none' : String(part)));
    }
    if (rejections && typeof rejections === 'object' && 'total' in rejections) rest['rejected messages'] = rejections.total;
    if (Object.keys(rest).length > 0) box.append(definitionList(rest));
    if (Array.isArray(intervals) && intervals.length > 0) {
      box.append(el('table', { id: 'market-rounds' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Interval'), el('th', {}, 'Outcome'), el('th', { class: 'num' }, 'Votes'))),
        el('tbody', {}, ...intervals.filter(Boolean).map((r) => el('tr', {}, el('td', {}, time(r.intervalStart)), el('td', {}, r.status + (r.reason ? ' (' + r.reason + ')' : '')), el('td', { class: 'num' }, r.votes))))));
    }
  }

  // What a device's row shows: its headline quantity, by role-independent priority.
  const MAIN_QUANTITIES = ['powerW', 'pvAcPowerW', 'batteryPowerW', 'socPercent', 'powerImportW', 'energyImportWh', 'pvEnergyWh'];

  function renderStatus(s) {
    $('gateway-id').textContent = s.gatewayId;
    $('gateway-name').textContent = s.name || '';
    $('version').textContent = s.version;
    $('uptime').textContent = duration(s.uptimeS);
    const tbody = $('devices').querySelector('tbody');
    tbody.replaceChildren(
      ...s.devices.map((d) => {
        const errors = Object.values(d.errorsByKind).reduce((a, b) => a + b, 0);
        const main = MAIN_QUANTITIES.find((q) => d.values[q]);
        const firstValue = main ? [main, d.values[main]] : Object.entries(d.values)[0];
        return el('tr', { 'data-device': d.id },
          el('td', { title: d.model || '' }, d.id),
          el('td', {}, d.role || ''),
          el('td', {}, el('span', { class: 'state ' + d.state, title: d.lastError || '' }, d.state)),
          el('td', {}, firstValue ? firstValue[0] + ' ' + fmtValue(firstValue[1]) : '–'),
          el('td', { class: 'num' }, d.reads),
          el('td', { class: 'num' }, errors),
          el('td', { class: 'num' }, d.meanLatencyMs === null ? '–' : d.meanLatencyMs + ' ms'));
      }),
    );
    $('buses').querySelector('tbody').replaceChildren(...s.buses.map((b) => el('tr', {}, el('td', {}, b.id), el('td', {}, b.connected ? 'yes' : 'no'), el('td', { class: 'num' }, b.queueDepth), el('td', { class: 'num' }, b.reconnects))));
    // The service host's view of each service (running, failed and restarting, ...).
    const services = Array.isArray(s.sections && s.sections.services) ? s.sections.services : [];
    $('services').style.display = services.length ? '' : 'none';
    $('services').querySelector('tbody').replaceChildren(
      ...services.map((x) => el('tr', { 'data-service': x.name }, el('td', {}, x.name), el('td', {}, el('span', { class: 'state ' + (x.state === 'running' ? 'ok' : x.state === 'failed' ? 'failing' : '') }, x.state)), el('td', { class: 'num' }, x.restarts), el('td', {}, x.lastError || ''))),
    );
    renderMarket(s.market);
    $('uplink-backlog').textContent = s.uplink.backlogRecords;
    const { backlogRecords, backlog, refusedByReason, ...uplinkRest } = s.uplink;
    // The uplink's own backlog repeats the count above; its age is what an installer looks for.
    if (backlog && typeof backlog === 'object' && 'oldestAt' in backlog) uplinkRest['oldest waiting'] = backlog.oldestAt ? time(backlog.oldestAt) : 'none';
    if (refusedByReason && typeof refusedByReason === 'object' && Object.keys(refusedByReason).length > 0) uplinkRest['refused by reason'] = refusedByReason;
    $('uplink').replaceChildren(definitionList(uplinkRest));
  }

  function renderTrades(t) {
    $('trades-empty').style.display = t.trades.length ? 'none' : '';
    $('trade-totals').replaceChildren(
      el('div', {}, 'sold ', el('b', { id: 'sold-wh' }, energy(t.totals.soldWh))),
      el('div', {}, 'bought ', el('b', { id: 'bought-wh' }, energy(t.totals.boughtWh))),
      el('div', {}, 'earnings ', el('b', { id: 'earnings' }, money(t.totals.earningsMinor))),
    );
    $('trades').querySelector('tbody').replaceChildren(
      ...t.trades.map((r) =>
        el('tr', { 'data-trade': r.tradeId },
          el('td', {}, time(r.intervalStart)),
          el('td', {}, r.side),
          el('td', {}, r.side === 'sell' ? r.buyerId : r.sellerId),
          el('td', { class: 'num' }, energy(r.energyWh)),
          el('td', { class: 'num' }, money(r.priceMinorPerKWh) + '/kWh'),
          el('td', { class: 'num' }, (r.side === 'buy' ? '−' : '') + money(r.amountMinor)))),
    );
  }

  function renderAlarms(a) {
    const items = a.recent.slice(0, 20).map((x) => el('li', { class: x.cleared ? 'cleared' : 'sev-' + x.severity }, time(x.at) + ' ' + x.code + (x.deviceId ? ' (' + x.deviceId + ')' : '') + ': ' + x.message));
    $('alarms').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, 'none')]));
  }

  async function get(path) {
    const r = await fetch(withToken(path), { cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }
  async function refresh() {
    const results = await Promise.allSettled([get('/api/status').then(renderStatus), get('/api/trades?limit=50').then(renderTrades), get('/api/alarms?limit=20').then(renderAlarms)]);
    for (const r of results) if (r.status === 'rejected') console.warn(r.reason);
  }

  const events = new EventSource(withToken('/api/events'));
  events.addEventListener('open', () => $('live').classList.add('on'));
  events.addEventListener('error', () => $('live').classList.remove('on'));
  events.addEventListener('values', (e) => onValues(JSON.parse(e.data)));
  events.addEventListener('alarm', () => get('/api/alarms?limit=20').then(renderAlarms, console.warn));
  refresh();
  setInterval(refresh, 3000);
})();
