(() => {
'use strict';
const $ = (id) => document.getElementById(id);
const role = window.ADVIZ_ROLE || { role: 'explore' };
const examples = [
  ['log(x1*x2) + sin(x2)', '2,5', 'Baydin et al.’s example'],
  ['y = tanh(w1*x1 + w2*x2 + b)', '1,2,0.5,-0.3,0.1', 'a neuron'],
  ['x^2 * sin(x)', '1.5', 'a product'],
  ['a = x1*x2\ny1 = sin(a)\ny2 = a^2', '2,3', 'two outputs'],
  ['sqrt(x^2 + y^2)', '3,4', 'distance'],
  ['h = max(x, 0)\nloss = (h - 1)^2', '0.5', 'a kink'],
  ['(x - 1)^2 + 10*(y - x^2)^2', '-1,1', 'Rosenbrock (try Descent)'],
];
// The state: everything the URL holds, so a teacher can link it.
const state = { program: '', at: [], mode: 'both', wrt: '', ybar: '', step: null, show: 'all', theme: 'light', rankdir: '' };
let model = null;        // /api/explore's answer for the state
let svgCache = new Map(); // step → SVG text, for the current model
let requestNumber = 0;   // answers to older requests are dropped
let playing = null;
let picked = null;       // the node the inspector shows
let following = role.role === 'follow';
let lastRoomState = null;
const score = { right: 0, asked: 0 };
let question = null;
let descent = [];
let recentQuestions = [];
let rankdirChosen = false; // the link chose the direction; otherwise the pane's shape does

function params(extra) {
  const p = [['program', state.program], ['at', state.atText ?? state.at.join(',')], ['mode', state.mode]];
  if (state.wrt && state.mode !== 'reverse') p.push(['wrt', state.wrt]);
  if (state.ybar && state.mode !== 'forward') p.push(['ybar', state.ybar]);
  p.push(['show', state.show], ['theme', state.theme]);
  if (state.rankdir) p.push(['rankdir', state.rankdir]);
  else if (paneFit) p.push(['fit', paneFit]);
  for (const [k, v] of Object.entries(extra || {})) p.push([k, String(v)]);
  return p.map(([k, v]) => k + '=' + encodeURIComponent(v)).join('&');
}

// A `+` typed by hand (`?program=x1+x2`) is a plus; in a form-encoded value (one with a `%` escape,
// as HTML forms and Python's urlencode write `y+%3D+x1`) it is a space. The server reads queries alike.
function queryFields(search) {
  const q = new Map();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const decode = raw => { const t = raw.includes('%') ? raw.replace(/\+/g, ' ') : raw; try { return decodeURIComponent(t); } catch (e) { return t; } };
    q.set(decode(i < 0 ? part : part.slice(0, i)), i < 0 ? '' : decode(part.slice(i + 1)));
  }
  return { get: k => q.has(k) ? q.get(k) : null };
}

function readURL() {
  const q = queryFields(location.search);
  if (q.get('program') !== null) state.program = q.get('program');
  // `at=2,5` or, as the command line writes it, `at=x1=2,x2=5`: the server binds names; the model brings the numbers back.
  if (q.get('at') !== null) { const at = q.get('at'); if (at.includes('=')) { state.atText = at; state.at = []; } else state.at = at.split(',').filter(s => s !== '').map(Number); }
  for (const k of ['mode', 'wrt', 'ybar', 'show', 'theme', 'rankdir']) if (q.get(k)) state[k] = q.get(k);
  rankdirChosen = !!state.rankdir;
  if (q.get('step') !== null && q.get('step') !== '') state.step = Number(q.get('step'));
  if (!state.program) { state.program = examples[0][0]; state.at = examples[0][1].split(',').map(Number); }
}

function writeURL() {
  if (role.role !== 'explore') return;
  const url = location.pathname + '?' + params({ step: currentStep() }).replace(/&show=all/, '').replace(/&theme=light/, '').replace(/&fit=[^&]*/, '');
  history.replaceState(null, '', url);
}

function currentStep() { return Number($('slider').value); }

// ---- the controls
function syncControls() {
  document.body.classList.toggle('dark', state.theme === 'dark');
  $('program').value = state.program;
  $('mode').value = state.mode;
  $('show').value = state.show;
  $('theme').value = state.theme;
  $('ybar').value = state.ybar;
  $('wrtbox').hidden = state.mode === 'reverse';
  $('ybarbox').hidden = state.mode === 'forward';
}

function buildPointInputs() {
  const box = $('point');
  const names = model ? model.inputs : [];
  const existing = [...box.querySelectorAll('.point-row')].map(r => r.dataset.name);
  if (existing.join(',') === names.join(',')) {
    names.forEach((name, j) => {
      const row = box.querySelector(`.point-row[data-name="${CSS.escape(name)}"]`);
      const v = state.at[j];
      if (document.activeElement !== row.querySelector('input[type=number]')) row.querySelector('input[type=number]').value = v;
      const slider = row.querySelector('input[type=range]');
      if (v < Number(slider.min) || v > Number(slider.max)) { slider.min = Math.min(-10, v - 5); slider.max = Math.max(10, v + 5); }
      slider.value = v;
    });
    return;
  }
  box.innerHTML = names.length ? '<span class="head">Point</span>' : '';
  names.forEach((name, j) => {
    const row = document.createElement('div');
    row.className = 'point-row';
    row.dataset.name = name;
    const v = state.at[j] ?? 1;
    row.innerHTML = `<span>${escapeHTML(name)}</span><input type="range" step="0.01" aria-label="${escapeHTML(name)} slider"><input type="number" step="any" aria-label="${escapeHTML(name)}">`;
    const slider = row.querySelector('input[type=range]');
    slider.min = Math.min(-10, v - 5); slider.max = Math.max(10, v + 5); slider.value = v;
    const number = row.querySelector('input[type=number]');
    number.value = v;
    slider.addEventListener('input', () => { number.value = slider.value; setPoint(j, Number(slider.value)); });
    number.addEventListener('change', () => { if (number.value.trim() !== '' && isFinite(Number(number.value))) setPoint(j, Number(number.value)); });
    box.appendChild(row);
  });
  const wrt = $('wrt');
  wrt.innerHTML = names.map(n => `<option>${escapeHTML(n)}</option>`).join('');
  if (state.wrt && names.includes(state.wrt)) wrt.value = state.wrt; else state.wrt = names[0] || '';
}

let pointTimer = null;
function setPoint(j, v) {
  state.at[j] = v;
  clearTimeout(pointTimer);
  pointTimer = setTimeout(() => load({ keepStep: true }), 90);
}

// The figure pane's shape (width / height): the server draws the graph in the direction that
// comes out larger in it (top to bottom in a tall pane, left to right in a wide one); turning
// a phone or resizing the window redraws it when the shape changes by a tenth or more.
let paneFit = '';
function paneAspect() {
  const pane = $('figure');
  if (!pane || pane.clientWidth < 10 || pane.clientHeight < 10) return '';
  return (Math.round(pane.clientWidth / pane.clientHeight * 10) / 10).toFixed(1);
}
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (!rankdirChosen && model && paneAspect() !== paneFit) load({ keepStep: true }); }, 250);
});

// ---- the camera over the figure: the step's focus at a readable size, the rest faded, a minimap
let minimapURL = null;
const figureSVG = () => $('figure').querySelector(':scope > svg');
const camera = adviz.camera({
  pane: $('figure'), element: figureSVG,
  size: () => { const svg = figureSVG(), b = svg && svg.viewBox.baseVal; return b && b.width ? { w: b.width * 4 / 3, h: b.height * 4 / 3 } : null; },
  focus: () => { const f = (figureSVG() || { dataset: {} }).dataset.focus; return f ? f.split(' ').map(Number) : null; },
  step: () => { const f = (figureSVG() || { dataset: {} }).dataset.step; return f ? f.split(' ').map(Number) : null; },
  // `x0 y0 x1 y1 name;…`: the focus nodes, for the markers that point at those out of view.
  nodes: () => ((figureSVG() || { dataset: {} }).dataset.nodes || '').split(';').filter(Boolean).map((n) => {
    const parts = n.split(' ');
    return { box: parts.slice(0, 4).map(Number), name: parts.slice(4).join(' ') };
  }),
  readable: () => Number((figureSVG() || { dataset: {} }).dataset.readable) || 1,
  minimapSource: () => minimapURL,
});

// ---- loading a trace
async function load(options = {}) {
  if (!rankdirChosen) paneFit = paneAspect();
  const number = ++requestNumber;
  const keep = options.keepStep ? currentStep() : null;
  const answer = await fetch('/api/explore?' + params()).catch(e => ({ ok: false, json: async () => ({ error: { message: 'the server does not answer (' + e.message + ')' } }) }));
  const body = await answer.json().catch(() => ({ error: { message: 'the server answered with something that is not JSON' } }));
  if (number !== requestNumber) return;
  if (!answer.ok) { showError(body.error); return; }
  $('error').hidden = true;
  model = body;
  svgCache = new Map();
  if (state.atText != null || model.inputs.length !== state.at.length) { state.at = model.point.map(v => v ?? 0); state.atText = null; }
  buildPointInputs();
  const n = model.steps.length;
  $('slider').max = n;
  const wanted = options.step ?? state.step ?? keep ?? n;
  state.step = null;
  $('warnings').innerHTML = model.warnings.map(w => '⚠ ' + escapeHTML(w)).join('<br>');
  if (!model.drawable) {
    $('figure').innerHTML = '<p class="muted">This graph is too big to draw on a page; the trace and the inspector still work.</p>';
  }
  await showStep(Math.max(0, Math.min(n, wanted)));
  if (picked) inspect(picked);
  if (question) renderQuestion();
  announce();
}

function showError(error) {
  const box = $('error');
  box.hidden = false;
  box.textContent = error.rendered ? error.rendered.replace(/^error: /, '') : (error.message + (error.hint ? '\nhint: ' + error.hint : ''));
  if (error.line && error.column) selectInProgram(error.line, error.column, error.length || 1);
  // A linked program that does not read has drawn nothing yet: the pane says why, not "Type a program".
  if (!model) $('figure').innerHTML = '<p class="muted">The program above does not read yet (the red box says where): fix it and press Trace.</p>';
}

function selectInProgram(line, column, length) {
  const text = $('program').value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < text.length; i++) offset += text[i].length + 1;
  offset += column - 1;
  if (document.activeElement === $('program')) return;
  $('program').setSelectionRange(offset, offset + length);
}

async function figure(step) {
  if (svgCache.has(step)) return svgCache.get(step);
  const promise = fetch('/api/figure.svg?' + params({ step })).then(async r => r.ok ? r.text() : Promise.reject((await r.json()).error));
  svgCache.set(step, promise);
  promise.catch(() => svgCache.delete(step));
  return promise;
}

async function showStep(k) {
  if (!model) return;
  const n = model.steps.length;
  k = Math.max(0, Math.min(n, k));
  $('slider').value = k;
  $('stepinfo').textContent = `step ${k} / ${n}`;
  const caption = $('caption');
  if (k === 0) { caption.textContent = 'the graph: ' + model.nodes.length + ' nodes, before any sweep'; caption.className = 'caption'; }
  else { const s = model.steps[k - 1]; caption.textContent = s.caption; caption.className = 'caption ' + s.phase; }
  writeURL();
  announce();
  if (!model.drawable) return;
  const number = requestNumber;
  try {
    const svg = await figure(k);
    if (number !== requestNumber || currentStep() !== k) return;
    for (const old of $('figure').querySelectorAll(':scope > svg, :scope > p')) old.remove();
    const text = svg.replace(/^[\s\S]*?(<svg)/, '$1');
    $('figure').insertAdjacentHTML('afterbegin', text);
    minimapURL = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
    camera.reset();
    markNodes();
    if (k < n) figure(k + 1).catch(() => {});
  } catch (error) {
    if (error && error.message) $('figure').innerHTML = '<p class="error" style="white-space:normal">' + escapeHTML(error.message) + '</p>';
  }
}

function markNodes() {
  if (!model) return;
  const ids = new Set(model.nodes.map(n => n.id));
  for (const g of $('figure').querySelectorAll('g.node')) {
    if (ids.has(g.id)) { g.dataset.node = g.id; if (g.id === picked) g.classList.add('picked'); }
  }
}

// ---- the inspector
function node(id) { return model && model.nodes.find(n => n.id === id); }

function inspect(id) {
  const n = node(id);
  if (!n) return;
  picked = id;
  for (const g of $('figure').querySelectorAll('g.node.picked')) g.classList.remove('picked');
  const g = $('figure').querySelector(`g.node[data-node="${CSS.escape(id)}"]`);
  if (g) g.classList.add('picked');
  $('inspect-hint').hidden = true;
  const what = n.op === 'input' ? `input ${escapeHTML(n.name)}` : n.op === 'constant' ? 'a constant' : `${escapeHTML(n.op)}${n.statement ? ' (' + escapeHTML(n.statement) + ')' : ''}`;
  let html = `<div class="card"><h3>${escapeHTML(n.label)} <span class="muted">${what}${n.output ? ' → output ' + escapeHTML(n.output) : ''}</span></h3><table>`;
  html += `<tr><td>v</td><td>= ${escapeHTML(n.value_shown)}</td></tr>`;
  if ('tangent' in n) html += `<tr class="fwd"><td>v̇</td><td>= ${escapeHTML(n.tangent_shown)}</td></tr>`;
  if ('adjoint' in n) html += `<tr class="rev"><td>v̄</td><td>= ${escapeHTML(n.adjoint_shown)}</td></tr>`;
  html += '</table></div>';
  const row = (r, cls, title) => r ? `<div class="card"><h3 class="${cls}">${title}</h3><div class="sum">${escapeHTML(r.label)} = ${escapeHTML(r.definition)}${r.formula && r.formula !== r.definition ? '\n   = ' + escapeHTML(r.formula) : ''}${r.substituted && r.substituted !== r.formula ? '\n   = ' + escapeHTML(r.substituted) : ''}\n   = ${escapeHTML(r.shown)}</div></div>` : '';
  html += row(n.primal_row, '', 'its value');
  html += row(n.tangent_row, 'fwd', 'its tangent (forward mode)');
  html += row(n.adjoint_row, 'rev', n.consumers.length > 1 ? `its adjoint: a sum over its ${n.consumers.length} consumers` : 'its adjoint (reverse mode)');
  $('inspector').innerHTML = html;
  showTab('inspect');
}

$('figure').addEventListener('click', (event) => {
  const g = event.target.closest('g.node[data-node]');
  if (g) inspect(g.dataset.node);
});

// ---- practice
function newQuestion() {
  if (!model) return;
  const kinds = [];
  for (const n of model.nodes) {
    if (n.op === 'constant') continue;
    if (n.adjoint_row && state.mode !== 'forward') kinds.push(['adjoint', n]);
    if (n.tangent_row && n.op !== 'input' && state.mode !== 'reverse') kinds.push(['tangent', n]);
  }
  const usable = kinds.filter(([k, n]) => n[k] !== null);
  if (!usable.length) { $('question').innerHTML = '<p class="muted">This trace has no number to ask for.</p>'; return; }
  // Prefer the interesting ones: a node with several consumers, whose adjoint is a sum.
  // No question twice in a row (nor one of the last three, where there are others to ask).
  const key = ([k, n]) => k + ':' + n.id;
  const fresh = usable.filter(q => !recentQuestions.includes(key(q)));
  const candidates = fresh.length ? fresh : usable.filter(q => key(q) !== recentQuestions[recentQuestions.length - 1]);
  const open = candidates.length ? candidates : usable;
  const shared = open.filter(([k, n]) => k === 'adjoint' && n.consumers.length > 1);
  const pool = shared.length && Math.random() < 0.5 ? shared : open;
  const [kind, n] = pool[Math.floor(Math.random() * pool.length)];
  question = { kind, id: n.id, answered: false };
  recentQuestions = recentQuestions.concat([kind + ':' + n.id]).slice(-Math.min(3, usable.length - 1));
  // Show the figure as it is just before that number is computed.
  const index = model.steps.findIndex(s => s.node === n.id && s.phase === (kind === 'adjoint' ? 'reverse' : 'forward'));
  if (index >= 0) showStep(index);
  renderQuestion();
}

function renderQuestion() {
  const n = node(question.id);
  if (!n) { question = null; $('question').innerHTML = ''; return; }
  const row = n[question.kind + '_row'];
  const symbol = question.kind === 'adjoint' ? 'v̄' : 'v̇';
  $('question').innerHTML = `<div class="card"><h3 class="${question.kind === 'adjoint' ? 'rev' : 'fwd'}">What is ${escapeHTML(row.label)}?</h3>
    <div class="sum">${escapeHTML(row.label)} = ${escapeHTML(row.definition)}</div>
    <div class="row"><input id="answer" size="12" placeholder="${symbol} = ?" autocomplete="off"><button id="check">Check</button></div>
    <div id="verdict"></div></div>`;
  $('check').onclick = checkAnswer;
  $('answer').addEventListener('keydown', e => { if (e.key === 'Enter') checkAnswer(); });
  $('answer').focus();
}

function agrees(typed, truth, digits) {
  const t = typed.trim().toLowerCase().replace('−', '-').replace('∞', 'inf');
  if (truth === null) return t === 'nan' || t === 'inf' || t === '-inf' || t === 'infinity';
  if (t === '' ) return false;
  const x = Number(t.replace(/^\+/, ''));
  if (!isFinite(x)) return false;
  if (truth === 0) return Math.abs(x) < 1e-12;
  // Right at the digits shown: within half a unit of the last shown digit.
  const unit = Math.pow(10, Math.floor(Math.log10(Math.abs(truth))) - digits + 1);
  return Math.abs(x - truth) <= unit * 0.5000001 || Math.abs(x - truth) <= 1e-12 * Math.abs(truth);
}

function checkAnswer() {
  const n = node(question.id);
  const row = n[question.kind + '_row'];
  const right = agrees($('answer').value, row.value, model.precision);
  if (!question.answered) { score.asked += 1; if (right) score.right += 1; question.answered = true; }
  $('score').textContent = `${score.right} / ${score.asked}`;
  // The row's equation, each form once: `= 1` is not repeated where the substitution is the value.
  const forms = [row.formula, row.substituted, row.shown].filter((f, i, all) => f && f !== row.definition && all.indexOf(f) === i);
  const sum = `${escapeHTML(row.label)} = ${escapeHTML(row.definition)}` + forms.map(f => '\n   = ' + escapeHTML(f)).join('');
  $('verdict').innerHTML = right ? `<p class="ok">Right: ${escapeHTML(row.label)} = ${escapeHTML(row.shown)}.</p>` : `<p class="bad">Not quite. ${escapeHTML(diagnosis($('answer').value, row))}</p><div class="sum">${sum}</div>`;
  const index = model.steps.findIndex(s => s.node === n.id && s.phase === (question.kind === 'adjoint' ? 'reverse' : 'forward'));
  if (index >= 0) showStep(index + 1);
}

// What a wrong answer got wrong: a term left out, one term alone, a term's sign; a seed is a seed.
function diagnosis(typed, row) {
  const terms = (row.terms || []).filter(t => t.value !== null);
  const digits = model.precision;
  if (terms.length === 1 && terms[0].seed) return `${row.label} is the seed ${terms[0].text} = ${terms[0].shown}, where the sweep starts.`;
  if (row.value === null || !terms.length) return 'The row that makes it:';
  if (terms.length > 1) {
    for (const t of terms) if (agrees(typed, row.value - t.value, digits)) return `The term ${t.text} = ${t.shown} is missing: the adjoint sums every term.`;
    for (const t of terms) if (agrees(typed, t.value, digits)) return `That is ${t.text} = ${t.shown} alone; the sum adds ${terms.filter(u => u !== t).map(u => u.text + ' = ' + u.shown).join(' and ')}.`;
  }
  for (const t of terms) if (t.value !== 0 && agrees(typed, row.value - 2 * t.value, digits)) return `The term ${t.text} has the wrong sign: it is ${t.shown}.`;
  return terms.length > 1 ? `The sum of its ${terms.length} terms makes it:` : `The product that makes it:`;
}

// ---- descent
function descentStep() {
  if (!model || !model.outputs.length) return false;
  const rate = Number($('rate').value);
  if (!isFinite(rate)) { $('descent-log').textContent = 'η must be a number'; return false; }
  if (model.gradient.some(g => g === null)) { $('descent-log').textContent = 'the gradient is not a number here: descent stops'; return false; }
  if (!descent.length) descent.push({ at: state.at.slice(), f: model.values[0] });
  state.at = state.at.map((x, j) => x - rate * model.gradient[j]);
  return true;
}
async function descend(times) {
  for (let i = 0; i < times; i++) {
    if (!descentStep()) break;
    await load({ keepStep: true });
    if (model) descent.push({ at: state.at.slice(), f: model.values[0] });
  }
  drawDescent();
}
function drawDescent() {
  const values = descent.map(d => d.f).filter(v => v !== null);
  const box = $('descent-plot');
  if (values.length < 1) { box.innerHTML = ''; drawLandscape(); return; }
  const w = 330, h = 150, pad = 30;
  const lo = Math.min(...values), hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = i => pad + (w - pad - 6) * (values.length === 1 ? 0 : i / (values.length - 1));
  const y = v => 8 + (h - 26) * (1 - (v - lo) / span);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  box.innerHTML = `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="loss">
    <line x1="${pad}" y1="8" x2="${pad}" y2="${h - 18}" stroke="#999"/><line x1="${pad}" y1="${h - 18}" x2="${w - 4}" y2="${h - 18}" stroke="#999"/>
    <text x="2" y="14" font-size="10">${fmt(hi)}</text><text x="2" y="${h - 20}" font-size="10">${fmt(lo)}</text>
    <text x="${w / 2}" y="${h - 4}" font-size="10" text-anchor="middle">step (${values.length - 1})</text>
    <polyline fill="none" stroke="#D55E00" stroke-width="2" points="${points}"/>
    ${values.map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="#D55E00"/>`).join('')}</svg>`;
  const last = descent[descent.length - 1];
  $('descent-log').textContent = `f = ${fmt(last.f)} at (${last.at.map(fmt).join(', ')})`;
  drawLandscape();
}
// The landscape under the path: contours of f over its first two inputs (the others held), or
// f's curve for one input, from /api/landscape, with each step of the descent on it.
async function drawLandscape() {
  const box = $('descent-landscape');
  if (!descent.length || !model) { box.innerHTML = ''; return; }
  const two = model.inputs.length > 1;
  const spanOf = values => {
    const lo = Math.min(...values), hi = Math.max(...values);
    const pad = Math.max((hi - lo) * 0.35, 0.5 + 0.1 * Math.abs((hi + lo) / 2));
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = spanOf(descent.map(d => d.at[0]));
  const bounds = { x0, x1 };
  if (two) [bounds.y0, bounds.y1] = spanOf(descent.map(d => d.at[1]));
  const answer = await fetch('/api/landscape?' + params(bounds)).catch(() => null);
  if (!answer) { box.innerHTML = ''; return; }
  const land = await answer.json();
  if (!answer.ok) { box.innerHTML = `<p class="muted small">${escapeHTML(land.error.message)}</p>`; return; }
  const w = 330, h = two ? 300 : 210, left = 40, bottom = h - 26, top = 10, right = w - 8;
  const xs = land.xs, X = x => left + (right - left) * (x - xs[0]) / (xs[xs.length - 1] - xs[0]);
  let svg = '', Y;
  if (two) {
    const ys = land.ys;
    Y = y => bottom - (bottom - top) * (y - ys[0]) / (ys[ys.length - 1] - ys[0]);
    const finite = land.values.flat().filter(v => v !== null).sort((a, b) => a - b);
    const levels = [...new Set(Array.from({ length: 14 }, (_, k) => finite[Math.floor((k + 1) / 15 * (finite.length - 1))]))];
    svg += contours(land.values, xs, ys, levels, X, Y);
  } else {
    const pts = xs.map((x, j) => [x, land.values[j]]).filter(p => p[1] !== null);
    const fs = pts.map(p => p[1]).concat(descent.map(d => d.f).filter(v => v !== null)).sort((a, b) => a - b);
    const lo = fs[Math.floor(fs.length * 0.02)], hi = fs[Math.ceil(fs.length * 0.98) - 1];
    const span = (hi - lo) || 1;
    Y = f => bottom - (bottom - top) * (Math.min(hi + span * 0.05, Math.max(lo - span * 0.05, f)) - lo + span * 0.05) / (span * 1.1);
    svg += `<polyline class="curve" fill="none" stroke="#0072B2" stroke-width="2" points="${pts.map(([x, f]) => X(x).toFixed(1) + ',' + Y(f).toFixed(1)).join(' ')}"/>`;
  }
  const path = descent.filter(d => two || d.f !== null).map(d => [X(d.at[0]), two ? Y(d.at[1]) : Y(d.f)]);
  svg += `<polyline class="path" fill="none" stroke="#D55E00" stroke-width="2" points="${path.map(p => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' ')}"/>`;
  svg += path.map((p, i) => `<circle class="path" cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="${i === path.length - 1 ? 4 : 2.5}" fill="${i === 0 ? 'white' : '#D55E00'}" stroke="#D55E00"/>`).join('');
  const names = land.inputs;
  box.innerHTML = `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="the path on f's landscape" font-size="12">
    <rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#999"/>${svg}
    <text x="${left}" y="${h - 8}">${fmt(xs[0])}</text><text x="${right}" y="${h - 8}" text-anchor="end">${fmt(xs[xs.length - 1])}</text>
    <text x="${(left + right) / 2}" y="${h - 8}" text-anchor="middle" font-weight="bold">${escapeHTML(names[0])}</text>
    ${two ? `<text x="4" y="${top + 12}">${fmt(land.ys[land.ys.length - 1])}</text><text x="4" y="${bottom}">${fmt(land.ys[0])}</text><text x="4" y="${(top + bottom) / 2}" font-weight="bold">${escapeHTML(names[1])}</text>` : `<text x="4" y="${(top + bottom) / 2}" font-weight="bold">f</text>`}
  </svg><p class="muted small">${two ? `contours of f over ${escapeHTML(names[0])}, ${escapeHTML(names[1])}${model.inputs.length > 2 ? ' (the other inputs held)' : ''}` : 'f and the path on it'}; ○ start, ● now</p>`;
}

// Marching squares: each level's line through the grid, as one SVG path per level.
function contours(values, xs, ys, levels, X, Y) {
  let out = '';
  levels.forEach((level, k) => {
    let d = '';
    for (let i = 0; i + 1 < ys.length; i++) for (let j = 0; j + 1 < xs.length; j++) {
      const c = [[xs[j], ys[i], values[i][j]], [xs[j + 1], ys[i], values[i][j + 1]], [xs[j + 1], ys[i + 1], values[i + 1][j + 1]], [xs[j], ys[i + 1], values[i + 1][j]]];
      if (c.some(p => p[2] === null)) continue;
      const cuts = [];
      for (let e = 0; e < 4; e++) {
        const a = c[e], b = c[(e + 1) % 4];
        if ((a[2] < level) !== (b[2] < level)) {
          const t = (level - a[2]) / (b[2] - a[2]);
          cuts.push([X(a[0] + t * (b[0] - a[0])), Y(a[1] + t * (b[1] - a[1]))]);
        }
      }
      for (let m = 0; m + 1 < cuts.length; m += 2) d += `M${cuts[m][0].toFixed(1)},${cuts[m][1].toFixed(1)}L${cuts[m + 1][0].toFixed(1)},${cuts[m + 1][1].toFixed(1)}`;
    }
    if (d) out += `<path class="contour" d="${d}" fill="none" stroke="#4d7fa8" stroke-opacity="${(0.35 + 0.5 * (1 - k / levels.length)).toFixed(2)}" stroke-width="1"/>`;
  });
  return out;
}
function fmt(v) { return v === null ? 'NaN' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4))); }

// ---- stepping
function step(delta) { stop(); showStep(currentStep() + delta); }
function play() {
  if (playing) { stop(); return; }
  if (currentStep() >= model.steps.length) showStep(0);
  $('play').textContent = '❚❚ pause';
  playing = setInterval(() => {
    if (currentStep() >= model.steps.length) { stop(); return; }
    showStep(currentStep() + 1);
  }, 900);
}
function stop() { if (playing) clearInterval(playing); playing = null; $('play').textContent = '▶ play'; }

$('first').onclick = () => step(-1e9);
$('prev').onclick = () => step(-1);
$('next').onclick = () => step(1);
$('last').onclick = () => step(1e9);
$('play').onclick = play;
$('whole').onclick = () => { $('whole').textContent = camera.toggleWhole() ? 'the step' : 'whole graph'; };
$('slider').addEventListener('input', () => { stop(); showStep(currentStep()); });
document.addEventListener('keydown', (event) => {
  const tag = (event.target.tagName || '').toLowerCase();
  if (tag === 'textarea' || (tag === 'input' && event.target.type !== 'range') || tag === 'select') {
    if (tag === 'textarea' && event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); apply(); }
    return;
  }
  if (!model) return;
  if (camera.key(event)) { event.preventDefault(); $('whole').textContent = camera.isWhole() ? 'the step' : 'whole graph'; return; }
  if (event.key === 'ArrowRight' || event.key === 'PageDown') { event.preventDefault(); step(1); }
  else if (event.key === 'ArrowLeft' || event.key === 'PageUp') { event.preventDefault(); step(-1); }
  else if (event.key === 'Home') { event.preventDefault(); step(-1e9); }
  else if (event.key === 'End') { event.preventDefault(); step(1e9); }
  else if (event.key === ' ' || event.key === 'p') { event.preventDefault(); play(); }
});

// ---- the program and options
function apply() {
  clearTimeout(typingTimer);
  detachIfFollowing();
  state.program = $('program').value;
  descent = []; drawDescent();
  load({});
}
let typingTimer = null;
// A pause in typing traces too, unless the program is already the one traced.
$('program').addEventListener('input', () => { clearTimeout(typingTimer); typingTimer = setTimeout(() => { if ($('program').value !== state.program) apply(); }, 700); });
$('go').onclick = apply;
for (const [program, at, title] of examples) {
  const option = document.createElement('option');
  option.value = program + '\u0000' + at;
  option.textContent = title + ': ' + program.replace(/\n/g, '; ');
  $('examples').appendChild(option);
}
$('examples').addEventListener('change', () => {
  const [program, at] = $('examples').value.split('\u0000');
  if (!program) return;
  state.program = program; state.at = at.split(',').map(Number);
  $('program').value = program; $('examples').value = '';
  detachIfFollowing(); descent = []; drawDescent();
  load({});
});
$('mode').addEventListener('change', () => { state.mode = $('mode').value; syncControls(); detachIfFollowing(); load({}); });
$('wrt').addEventListener('change', () => { state.wrt = $('wrt').value; detachIfFollowing(); load({ keepStep: true }); });
$('ybar').addEventListener('change', () => { state.ybar = $('ybar').value.trim(); detachIfFollowing(); load({ keepStep: true }); });
$('show').addEventListener('change', () => { state.show = $('show').value; load({ keepStep: true }); });
$('theme').addEventListener('change', () => { state.theme = $('theme').value; syncControls(); load({ keepStep: true }); });
$('next-question').onclick = () => { showTab('practice'); newQuestion(); };
$('descend').onclick = () => descend(1);
$('descend10').onclick = () => descend(10);
$('descent-reset').onclick = () => { if (descent.length) { state.at = descent[0].at.slice(); descent = []; drawDescent(); load({ keepStep: true }); } };
$('copylink').onclick = async () => {
  const url = location.origin + '/?' + params({ step: currentStep() });
  try { await navigator.clipboard.writeText(url); $('copylink').textContent = '✓ copied'; } catch { prompt('A link to this state:', url); }
  setTimeout(() => { $('copylink').textContent = 'copy link'; }, 1500);
};
function showTab(name) {
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('on', b.dataset.tab === name);
  for (const t of ['inspect', 'practice', 'descent']) $('tab-' + t).hidden = t !== name;
}
for (const b of document.querySelectorAll('.tabs button')) b.onclick = () => { showTab(b.dataset.tab); if (b.dataset.tab === 'practice' && !question) newQuestion(); };

// ---- presenter mode
let socket = null;
function roomState() {
  return JSON.stringify({ program: state.program, at: state.at, mode: state.mode, wrt: state.wrt, ybar: state.ybar, show: state.show, theme: state.theme, step: currentStep() });
}
let lastSent = '';
function announce() {
  if (role.role !== 'present' || !socket || socket.readyState !== 1 || !model) return;
  const message = roomState();
  if (message !== lastSent) { socket.send(message); lastSent = message; }
}
function socketURL(path) { return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path; }

async function startPresenting() {
  // The room outlives a reload of this page (F5, a crashed tab): the class stays in it.
  let code = sessionStorage.getItem('adviz-room');
  if (code && !(await fetch('/api/rooms/' + code).then(r => r.ok).catch(() => false))) code = null;
  if (!code) {
    const answer = await fetch('/api/rooms', { method: 'POST', headers: { 'Authorization': 'Bearer ' + role.token } });
    const body = await answer.json();
    if (!answer.ok) { $('banner').hidden = false; $('banner').textContent = body.error.message; return; }
    code = body.code;
    sessionStorage.setItem('adviz-room', code);
  }
  const body = { code };
  role.code = body.code;
  const link = location.origin + '/follow/' + body.code;
  $('banner').hidden = false;
  $('banner').innerHTML = `<span>Students: open <b>${escapeHTML(location.host)}/follow</b> and type</span><span class="code">${body.code}</span><span class="muted">(${escapeHTML(link)})</span><span id="followers" class="muted">0 following</span>`;
  $('role').textContent = 'presenting room ' + body.code;
  connectPresenter();
}
function connectPresenter() {
  socket = new WebSocket(socketURL('/ws/present/' + role.code + '?token=' + encodeURIComponent(role.token)));
  socket.onopen = () => { lastSent = ''; announce(); };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if ('followers' in message) $('followers').textContent = message.followers + ' following';
  };
  socket.onclose = () => setTimeout(connectPresenter, 1000);
}

function connectFollower() {
  socket = new WebSocket(socketURL('/ws/follow/' + role.code));
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (!('program' in message)) return;
    lastRoomState = message;
    if (following) applyRoomState(message);
  };
  socket.onclose = () => { $('role').textContent = 'room ' + role.code + ': reconnecting…'; setTimeout(connectFollower, 1500); };
  socket.onopen = () => renderFollowBanner();
}
async function applyRoomState(message) {
  const sameTrace = model && message.program === state.program && message.at.join(',') === state.at.join(',') && message.mode === state.mode && message.wrt === state.wrt && message.ybar === state.ybar && message.show === state.show && message.theme === state.theme;
  Object.assign(state, { program: message.program, at: message.at.slice(), mode: message.mode, wrt: message.wrt, ybar: message.ybar, show: message.show, theme: message.theme });
  syncControls();
  if (sameTrace) { stop(); await showStep(message.step); }
  else await load({ step: message.step });
}
function renderFollowBanner() {
  $('banner').hidden = false;
  $('role').textContent = following ? 'following room ' + role.code : 'exploring (room ' + role.code + ')';
  $('banner').innerHTML = following
    ? `<span>● Following room <b>${escapeHTML(role.code)}</b>: the teacher moves the steps.</span><button id="detach">Explore on my own</button>`
    : `<span>You are exploring on your own.</span><button id="rejoin">Rejoin room ${escapeHTML(role.code)}</button>`;
  if (following) $('detach').onclick = () => { following = false; renderFollowBanner(); };
  else $('rejoin').onclick = () => { following = true; renderFollowBanner(); if (lastRoomState) applyRoomState(lastRoomState); };
}
function detachIfFollowing() { if (role.role === 'follow' && following) { following = false; renderFollowBanner(); } }

function escapeHTML(text) { return String(text).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c])); }

// ---- start
if (role.role === 'present') {
  // The token must not stay in the address bar a projector shows: the page keeps it, the URL drops it.
  // Kept as written (URLSearchParams would turn spaces into `+`, which the server reads as plus).
  const kept = location.search.replace(/^\?/, '').split('&').filter(p => p && !p.startsWith('token='));
  history.replaceState(null, '', location.pathname + (kept.length ? '?' + kept.join('&') : ''));
}
readURL();
syncControls();
if (role.role === 'follow') { $('role').textContent = 'following room ' + role.code; connectFollower(); }
load({}).then(() => { if (role.role === 'present') startPresenting(); });
window.advizPage = { state: () => ({ ...state, step: currentStep() }), model: () => model, score: () => ({ ...score }), question: () => question, roomState: () => lastRoomState, showStep, inspect, diagnosis };
})();
