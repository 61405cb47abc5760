// The playground page: edits a definition and an input, runs them in worker.js, shows the result.
const example = {
  Comment: 'A Pass state that returns a fixed result.',
  StartAt: 'P',
  States: {
    P: { Type: 'Pass', Result: { hello: 'world' }, End: true },
  },
};

const $ = (id) => document.getElementById(id);
const definition = $('definition');
const input = $('input');
const runButton = $('run');
const stopButton = $('stop');
const status = $('status');
const output = $('output');

definition.value = JSON.stringify(example, null, 2);
input.value = '{}';

let worker = null;
let running = null; // id of the run in progress
let nextId = 1;

function setStatus(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind ?? '';
}

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'ready') {
      runButton.disabled = false;
      if (running === null) setStatus('Ready');
    } else if (data.type === 'failed') {
      setStatus(data.failure, 'FAILED');
    } else if (data.id === running) {
      finish(data);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    if (running !== null) finish({ failure: `The engine crashed: ${event.message}` });
    else setStatus(`The engine did not load: ${event.message}`, 'FAILED');
  };
}

function finish({ result, failure }) {
  running = null;
  stopButton.disabled = true;
  runButton.disabled = false;
  if (failure !== undefined) {
    setStatus('Error', 'FAILED');
    output.textContent = failure;
    return;
  }
  setStatus(result.status, result.status);
  output.textContent = result.status === 'SUCCEEDED'
    ? JSON.stringify(result.output, null, 2)
    : [result.error && `Error: ${result.error}`, result.cause && `Cause: ${result.cause}`].filter(Boolean).join('\n');
}

runButton.addEventListener('click', () => {
  running = nextId++;
  runButton.disabled = true;
  stopButton.disabled = false;
  setStatus('Running…', 'RUNNING');
  output.textContent = '';
  worker.postMessage({ id: running, definition: definition.value, input: input.value });
});

stopButton.addEventListener('click', () => {
  worker.terminate();
  running = null;
  stopButton.disabled = true;
  runButton.disabled = true;
  setStatus('Stopped', 'ABORTED');
  startWorker();
});

startWorker();
