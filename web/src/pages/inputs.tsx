import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Concept, Input } from '../api-types.js';
import { useApi } from '../context.js';
import { type InputsAnswer, inputListRequest, inputsOf } from '../input-list.js';
import { setQuery } from '../nav.js';
import { Chip, Curl, ErrorBox, Field, Pager, useAction, useLoad } from '../ui/common.js';
import { usePolling } from '../ui/polling.js';
import { Thumb } from '../ui/thumb.js';
import { batches, conceptsOf, linesOf } from '../upload.js';
import { inputChip } from '../version-status.js';

const PER_PAGE = 24;
const STATUSES: Record<string, string> = { '': 'Any status', '30000': 'Processed', '30001': 'Pending', '30003': 'Processing', '30002': 'Failed' };

/** The files of a drop, folders included (read recursively through the entries API). */
async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = Array.from(dt.items ?? [])
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return Array.from(dt.files);
  const out: File[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (e.isFile) out.push(await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)));
    else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries returns the entries in chunks: read until it returns none.
      for (;;) {
        const chunk = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (chunk.length === 0) break;
        for (const c of chunk) await walk(c);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

const ACCEPTED = (f: File): boolean =>
  f.size > 0 && (f.type.startsWith('image/') || f.type.startsWith('text/') || /\.(txt|md|png|jpe?g|gif|webp|bmp|tiff?)$/i.test(f.name));

const fileData = (file: File): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    const isText = file.type.startsWith('text/') || /\.(txt|md)$/i.test(file.name);
    r.onload = () => resolve(isText ? { text: { raw: String(r.result) } } : { image: { base64: String(r.result).replace(/^data:[^,]*,/, '') } });
    r.onerror = () => reject(new Error(`could not read ${file.name}`));
    if (isText) r.readAsText(file);
    else r.readAsDataURL(file);
  });

/** The app's inputs as a grid: status, concepts, label / unlabel (PatchInputs), upload (PostInputs). */
export function InputsPage({ app }: { app: string }): JSX.Element {
  const api = useApi();
  const params = new URLSearchParams(location.search);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const status = params.get('status') ?? '';
  const concept = params.get('concept') ?? '';
  const base = `${appPath(app)}/inputs`;
  const request = inputListRequest(base, { page, perPage: PER_PAGE, status, concept });
  const requestKey = JSON.stringify(request);
  const inputs = useLoad<InputsAnswer>(
    () => (request.method === 'GET' ? api.get<InputsAnswer>(request.path) : api.post<InputsAnswer>(request.path, request.body)),
    [requestKey],
  );
  const counts = useLoad(() => api.get<{ counts: Record<string, number> }>(`${base}/status`), [base]);
  const shown = inputs.data ? inputsOf(inputs.data) : [];
  const pending = shown.some((i) => inputChip(i.status).tone === 'busy');
  usePolling(
    () => {
      inputs.reload();
      counts.reload();
    },
    pending,
    2000,
  );
  const patch = useAction();
  const label = async (id: string, conceptId: string, action: 'merge' | 'remove') => {
    const body = { action, inputs: [{ id, data: { concepts: [{ id: conceptId, value: 1 }] } }] };
    if (await patch.run(() => api.patch(base, body))) inputs.reload();
  };
  return (
    <>
      {counts.data && (
        <p class="muted" aria-live="polite">
          {counts.data.counts.processed ?? 0} processed · {(counts.data.counts.to_process ?? 0) + (counts.data.counts.processing ?? 0)} processing ·{' '}
          {counts.data.counts.errors ?? 0} failed
        </p>
      )}
      <div class="toolbar hinted">
        <Field label="Status" id="inputs-status">
          <select id="inputs-status" value={status} onChange={(e) => setQuery({ status: e.currentTarget.value, page: undefined })}>
            {Object.entries(STATUSES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Labelled with" id="inputs-concept" hint="Concept ids, comma-separated; -id: labelled not id.">
          <input
            id="inputs-concept"
            type="search"
            aria-describedby="inputs-concept-hint"
            value={concept}
            onChange={(e) => setQuery({ concept: e.currentTarget.value.trim(), page: undefined })}
          />
        </Field>
      </div>
      {concept && (
        <div class="list-curl">
          <Curl method={request.method} path={request.path} body={request.body} />
        </div>
      )}
      <ErrorBox error={inputs.error} />
      <ErrorBox error={patch.error} />
      <ul class="grid" aria-label="Inputs">
        {shown.map((i) => (
          <InputCard key={i.id} input={i} onLabel={label} />
        ))}
      </ul>
      {!inputs.loading && shown.length === 0 && <p class="muted">No inputs {status || concept ? 'match' : 'yet: upload some below'}.</p>}
      <Pager page={page} perPage={PER_PAGE} count={shown.length} onPage={(p) => setQuery({ page: p })} />
      <Upload
        base={base}
        onDone={() => {
          inputs.reload();
          counts.reload();
        }}
      />
    </>
  );
}

function InputCard({ input: i, onLabel }: { input: Input; onLabel: (id: string, concept: string, action: 'merge' | 'remove') => void }): JSX.Element {
  const [adding, setAdding] = useState('');
  const chip = inputChip(i.status);
  const text: string | undefined = i.data?.text?.raw;
  const image = i.data?.image;
  return (
    <li class="input-card">
      <div class="input-body">
        {text !== undefined ? (
          <p class="snippet">{text.length > 140 ? `${text.slice(0, 140)}…` : text}</p>
        ) : image ? (
          <div class="image-placeholder">
            <Thumb hosted={image.hosted} alt={`Image input ${i.id}`} />
            <span>image{image.image_info?.width ? ` ${image.image_info.width}×${image.image_info.height}` : ''}</span>
            {image.url && !image.hosted ? <small>{image.url}</small> : null}
          </div>
        ) : (
          <p class="muted">no data</p>
        )}
      </div>
      <div>
        <Chip chip={chip} /> <code class="muted">{String(i.id).slice(0, 12)}</code>
      </div>
      {chip.note && <p class="failure">{chip.note}</p>}
      <ul class="tags">
        {(i.data?.concepts ?? []).map((c: Concept) => (
          <li key={c.id} class={(c.value ?? 1) > 0 ? '' : 'negative'}>
            {(c.value ?? 1) > 0 ? c.id : `not ${c.id}`}
            <button type="button" class="tag-remove" aria-label={`Remove label ${c.id} from ${i.id}`} onClick={() => onLabel(i.id ?? '', c.id ?? '', 'remove')}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (adding.trim()) onLabel(i.id ?? '', adding.trim(), 'merge');
          setAdding('');
        }}
      >
        <input aria-label={`Add a label to ${i.id}`} placeholder="add label" value={adding} onInput={(e) => setAdding(e.currentTarget.value)} />
        <button type="submit" class="secondary">
          Label
        </button>
      </form>
    </li>
  );
}

function Upload({ base, onDone }: { base: string; onDone: () => void }): JSX.Element {
  const api = useApi();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [concepts, setConcepts] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [over, setOver] = useState(false);
  const upload = useAction();
  const labels = conceptsOf(concepts);
  const sample = { inputs: [{ data: { text: { raw: linesOf(text)[0] ?? 'a cat asleep on the sofa' }, ...(labels.length ? { concepts: labels } : {}) } }] };
  const submit = async (e: Event) => {
    e.preventDefault();
    await upload.run(async () => {
      const datas = [...linesOf(text).map((raw) => ({ text: { raw } })), ...(await Promise.all(files.map(fileData)))];
      const inputs = datas.map((d) => ({ data: { ...d, ...(labels.length ? { concepts: labels } : {}) } }));
      setProgress({ done: 0, total: inputs.length });
      let done = 0;
      for (const batch of batches(inputs)) {
        await api.post(base, { inputs: batch });
        done += batch.length;
        setProgress({ done, total: inputs.length });
      }
      setText('');
      setFiles([]);
      onDone();
    });
  };
  const addFiles = (list: Iterable<File> | ArrayLike<File> | null | undefined) => setFiles((prev) => [...prev, ...Array.from(list ?? []).filter(ACCEPTED)]);
  return (
    <form
      class="card"
      onSubmit={submit}
      // Pasted images (a screenshot from the clipboard) join the files; pasted text goes into the text box as usual.
      onPaste={(e) => {
        const pasted = Array.from(e.clipboardData?.files ?? []);
        if (pasted.length > 0) {
          e.preventDefault();
          addFiles(pasted);
        }
      }}
    >
      <h2>Upload</h2>
      <div
        class={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer) void droppedFiles(e.dataTransfer).then(addFiles);
        }}
      >
        <p>Drop images, .txt files or folders here, or</p>
        <label class="button secondary" for="upload-files">
          Choose files
        </label>
        <input id="upload-files" class="sr-only" type="file" multiple accept="image/*,.txt,text/plain" onChange={(e) => addFiles(e.currentTarget.files)} />
        {files.length > 0 && (
          <p>
            {files.length} file(s): {files.map((f) => f.name).join(', ')}
          </p>
        )}
      </div>
      <Field label="Texts (one input per line)" id="upload-text">
        <textarea id="upload-text" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <Field label="Concepts for every input" id="upload-concepts" hint="Comma-separated ids; -id marks an explicit negative.">
        <input id="upload-concepts" value={concepts} onInput={(e) => setConcepts(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={upload.busy || (!linesOf(text).length && !files.length)}>
        Upload {linesOf(text).length + files.length || ''} input(s)
      </button>
      {progress && <progress max={progress.total} value={progress.done} aria-label={`Uploaded ${progress.done} of ${progress.total}`} />}
      <ErrorBox error={upload.error} />
      <Curl method="POST" path={base} body={sample} />
    </form>
  );
}
