// The calibration recorder: each emotion in turn, frames with exactly one face, uploaded as a dataset version
// (train/ and a held-out test/ split), then the emotion-calibration task for this user, followed to its end.
import {crop} from './faces.js';
import {zip} from './zip.js';

const sleep = ms => new Promise(r => setTimeout(r, ms));
const GET_READY_MS = 1500;

export class Calibration {
  /** api: {csrf, json(url, options)}; ui: elements by id */
  constructor(settings, api, ui) {
    this.settings = settings;
    this.api = api;
    this.ui = ui;
    this.labels = null;
    this.recording = null;
    this.frames = new Map();
    this.waitingFor = null;
  }

  /** Every answered frame: learns the model's labels, keeps a crop while recording. */
  frame(message, canvas) {
    if (message.faces.length > 0 && !this.labels) {
      this.labels = message.faces[0].labels;
      this.ui.calibrate.disabled = false;
    }
    if (this.recording && message.faces.length === 1) {
      const list = this.frames.get(this.recording);
      list.push(crop(canvas, message.faces[0].box));
      this.ui.counts.querySelector(`td[data-label="${CSS.escape(this.recording)}"]`).textContent = String(list.length);
    }
    if (this.waitingFor && message.metadata.personal) {
      this.task(`Your personal model (version ${message.metadata.version}) answers now.`);
      this.ui.task.dataset.personal = 'true';
      this.waitingFor = null;
    }
  }

  async start() {
    const labels = this.labels;
    this.ui.calibrate.disabled = true;
    this.ui.task.dataset.personal = '';
    const seconds = Math.min(20, Math.max(2, Number(this.ui.seconds.value) || 4));
    this.frames = new Map(labels.map(l => [l, []]));
    const body = this.ui.counts.querySelector('tbody');
    body.replaceChildren(...labels.map(l => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = l;
      const count = document.createElement('td');
      count.dataset.label = l;
      count.textContent = '0';
      tr.append(name, count);
      return tr;
    }));
    try {
      for (const label of labels) {
        this.prompt(`Get ready: ${label}`);
        await sleep(GET_READY_MS);
        this.prompt(`Show ${label.toUpperCase()} now`);
        this.recording = label;
        await sleep(seconds * 1000);
        this.recording = null;
      }
      this.prompt('Recorded.');
      await this.upload();
      await this.train();
    } catch (e) {
      this.task(`Calibration failed: ${e.message}`, true);
    } finally {
      this.recording = null;
      this.ui.calibrate.disabled = false;
    }
  }

  async upload() {
    const entries = [];
    let total = 0;
    for (const [label, crops] of this.frames) {
      for (let i = 0; i < crops.length; i++) {
        // Every fourth frame from the second on is held out, so the task can tell whether calibration helped.
        const split = i % 4 === 1 ? 'test' : 'train';
        const blob = await new Promise(r => crops[i].toBlob(r, 'image/jpeg', 0.92));
        entries.push({name: `${split}/${label}/${String(i).padStart(4, '0')}.jpg`, bytes: new Uint8Array(await blob.arrayBuffer())});
        total++;
      }
    }
    if (total < 2) throw new Error('too few frames with exactly one face were recorded; face the camera in good light and try again');
    this.task(`Uploading ${total} frames to dataset ${this.settings.calibration_dataset}…`);
    const form = new FormData();
    form.append('dataset_name', this.settings.calibration_dataset);
    form.append('file', zip(entries), 'calibration.zip');
    const v = await this.api.json('/datasets', {method: 'POST', body: form, headers: {'X-CSRF-Token': this.api.csrf}});
    this.task(`Stored ${v.ref}; starting the calibration task…`);
  }

  async train() {
    const form = new URLSearchParams({
      user: this.settings.user,
      model_name: this.settings.model,
      datasets: JSON.stringify({calibration: this.settings.calibration_dataset}),
    });
    const run = await this.api.json(`/tasks/run/${this.settings.calibration_plugin}`, {method: 'POST', body: form,
      headers: {'X-CSRF-Token': this.api.csrf}});
    const bar = this.ui.progress;
    bar.hidden = false;
    bar.value = 0;
    for (;;) {
      await sleep(1000);
      const poll = await this.api.json(`/tasks/poll/${encodeURIComponent(run.task_id)}`);
      if (poll.progress) bar.value = poll.progress.fraction;
      if (!poll.ready) {
        this.task(`Task ${poll.state}${poll.progress ? `: ${Math.round(poll.progress.fraction * 100)}% — ${poll.progress.message}` : ''}`);
        continue;
      }
      if (!poll.successful) throw new Error(typeof poll.value === 'string' ? poll.value : 'the task failed');
      bar.value = 1;
      const m = poll.value.metrics || {};
      const gain = m.user_accuracy_before !== undefined && m.user_accuracy_after !== undefined
        ? ` (accuracy on your held-out frames ${Math.round(m.user_accuracy_before * 100)}% → ${Math.round(m.user_accuracy_after * 100)}%)` : '';
      this.task(`Personal version ${poll.value.model_version} trained${gain}; waiting for it to answer…`);
      this.waitingFor = poll.value.model_version;
      return;
    }
  }

  prompt(text) {
    this.ui.prompt.textContent = text;
  }

  task(text, error = false) {
    this.ui.task.textContent = text;
    this.ui.task.classList.toggle('error', error);
  }
}
