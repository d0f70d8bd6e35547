// The emotion page: webcam frames to the live socket, faces outlined, the main face's emotions charted.
import {Live} from './live.js';
import {Calibration} from './calibration.js';
import {base64Jpeg, crop, outline} from './faces.js';

const $ = id => document.getElementById(id);
const CHART_EVERY_MS = 500;

async function json(url, options = {}) {
  const r = await fetch(url, {credentials: 'same-origin', ...options});
  const body = await r.json().catch(() => ({}));
  if (r.status === 401) location.href = '/login';
  if (!r.ok) throw new Error(body.message || `${r.status} ${r.statusText}`);
  return body;
}

function status(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

const settings = await json('/api/2.0/chimp/emotion/settings');
const me = await json('/api/2.0/chimp/whoami');
const api = {csrf: me.csrf_token, json};
$('who').textContent = `Signed in as ${settings.user}`;
$('logout-csrf').value = api.csrf;

const chart = echarts.init($('chart'));
chart.setOption({
  animationDuration: 200,
  grid: {left: 40, right: 10, top: 20, bottom: 30},
  xAxis: {type: 'category', data: []},
  yAxis: {type: 'value', min: 0, max: 100, axisLabel: {formatter: '{value}%'}},
  series: [{type: 'bar', data: [], label: {show: true, position: 'top', formatter: '{c}%'}, itemStyle: {color: '#3f51b5'}}],
});
window.addEventListener('resize', () => chart.resize());

let charted = 0;
let mainCrop = null;
let mainLabels = [];

function showModel(meta) {
  const el = $('model');
  el.textContent = meta.personal
    ? `Your personal model answers: ${meta.name} version ${meta.version}`
    : `${meta.stage} model answers: ${meta.name} version ${meta.version}`;
  el.dataset.personal = String(meta.personal);
  el.dataset.version = String(meta.version);
}

function showMain(face) {
  const now = performance.now();
  if (now - charted < CHART_EVERY_MS) return;
  charted = now;
  const percent = face.probabilities.map(p => Math.round(p * 1000) / 10);
  chart.setOption({xAxis: {data: face.labels}, series: [{data: percent}]});
  $('percentages').replaceChildren(...face.labels.map((l, i) => {
    const li = document.createElement('li');
    li.dataset.label = l;
    li.dataset.percent = String(percent[i]);
    li.textContent = `${l} ${percent[i]}%`;
    return li;
  }));
}

const calibration = new Calibration(settings, api, {
  calibrate: $('calibrate'), seconds: $('seconds'), prompt: $('prompt'), counts: $('counts'), task: $('task'),
  progress: $('progress'),
});
$('calibrate').addEventListener('click', () => calibration.start());

// "That's wrong": the main face as it was when the button was pressed, with the emotion it really shows.
let pending = null;
$('wrong').addEventListener('click', () => {
  pending = mainCrop;
  const choices = $('choices');
  choices.replaceChildren('It is: ', ...settings.emotions.filter(e => mainLabels.includes(e) || !mainLabels.length).map(e => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = e;
    b.dataset.label = e;
    b.addEventListener('click', () => correct(e));
    return b;
  }));
  choices.hidden = false;
});

async function correct(label) {
  $('choices').hidden = true;
  if (!pending) return;
  try {
    const saved = await json(settings.corrections_path, {method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': api.csrf},
      body: JSON.stringify({label, image: base64Jpeg(pending)})});
    $('correction-status').textContent = `Thanks: saved as ${label} in ${saved.ref}.`;
  } catch (e) {
    $('correction-status').textContent = `Not saved: ${e.message}`;
  }
}

const video = $('video');
const live = new Live(settings, video, {
  faces(m, frame) {
    showModel(m.metadata);
    outline($('overlay'), frame, m.faces);
    if (m.faces.length > 0) {
      mainCrop = crop(frame, m.faces[0].box);
      mainLabels = m.faces[0].labels;
      $('wrong').disabled = false;
      showMain(m.faces[0]);
      status(`${m.faces.length} face${m.faces.length > 1 ? 's' : ''} (${m.millis} ms)`);
    } else {
      status('No face in view');
    }
    calibration.frame(m, frame);
  },
  error(m) {
    status(`The server could not answer: ${m.message}`, true);
  },
  status,
});

try {
  video.srcObject = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}, audio: false});
  await video.play();
  live.connect();
} catch (e) {
  status(`The camera could not be started: ${e.message}. Allow this page to use the camera and reload.`, true);
}
