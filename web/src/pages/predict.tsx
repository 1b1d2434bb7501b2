import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Concept, ModelVersion, Output } from '../api-types.js';
import { useApi } from '../context.js';
import { Curl, ErrorBox, Field, useAction } from '../ui/common.js';

const readBase64 = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(new Error(`could not read ${file.name}`));
    r.readAsDataURL(file);
  });

/** PostModelOutputs on this version, with the request's output_config in model.model_version.output_info. */
export function PredictPanel({ app, model, mv }: { app: string; model: string; mv: ModelVersion }): JSX.Element {
  const api = useApi();
  const [text, setText] = useState('');
  const [image, setImage] = useState<{ name: string; base64: string } | null>(null);
  const [maxConcepts, setMaxConcepts] = useState('');
  const [minValue, setMinValue] = useState('');
  const [select, setSelect] = useState('');
  const [outputs, setOutputs] = useState<Output[]>([]);
  const predict = useAction();
  const outputConfig: Record<string, unknown> = {};
  if (maxConcepts.trim()) outputConfig.max_concepts = Number(maxConcepts);
  if (minValue.trim()) outputConfig.min_value = Number(minValue);
  const selected = select
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (selected.length) outputConfig.select_concepts = selected.map((id) => ({ id }));
  const data = image ? { image: { base64: image.base64 } } : { text: { raw: text } };
  const body = {
    inputs: [{ data }],
    ...(Object.keys(outputConfig).length ? { model: { model_version: { output_info: { output_config: outputConfig } } } } : {}),
  };
  const shownBody = image ? { ...body, inputs: [{ data: { image: { base64: `<base64 of ${image.name}>` } } }] } : body;
  const path = `${appPath(app)}/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(mv.id ?? '')}/outputs`;
  const submit = async (e: Event) => {
    e.preventDefault();
    await predict.run(async () => {
      const r = await api.post<{ outputs: Output[] }>(path, body);
      setOutputs(r.outputs);
    });
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return setImage(null);
    setImage({ name: file.name, base64: await readBase64(file) });
  };
  const concepts: Concept[] = outputs[0]?.data?.concepts ?? [];
  return (
    <div class="columns">
      <form
        class="card"
        onSubmit={submit}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void onFile(e.dataTransfer?.files[0]);
        }}
      >
        <h2>Predict</h2>
        <Field label="Text" id="predict-text" hint="Or choose / drop an image below.">
          <textarea id="predict-text" rows={3} value={text} disabled={Boolean(image)} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <Field label="Image" id="predict-image">
          <input id="predict-image" type="file" accept="image/*" onChange={(e) => void onFile(e.currentTarget.files?.[0])} />
        </Field>
        {image && (
          <p>
            <img class="thumb" src={`data:image/*;base64,${image.base64}`} alt={`Image to predict: ${image.name}`} />{' '}
            <button type="button" class="secondary" onClick={() => setImage(null)}>
              Remove image
            </button>
          </p>
        )}
        <div class="row">
          <Field label="max_concepts" id="predict-max">
            <input
              id="predict-max"
              type="number"
              min={1}
              value={maxConcepts}
              placeholder={String(mv.output_info?.params?.max_concepts ?? '')}
              onInput={(e) => setMaxConcepts(e.currentTarget.value)}
            />
          </Field>
          <Field label="min_value" id="predict-min">
            <input
              id="predict-min"
              type="number"
              min={0}
              max={1}
              step="any"
              value={minValue}
              placeholder={String(mv.output_info?.params?.min_value ?? '')}
              onInput={(e) => setMinValue(e.currentTarget.value)}
            />
          </Field>
        </div>
        <Field label="select_concepts" id="predict-select" hint="Concept ids, comma-separated; empty returns all.">
          <input id="predict-select" value={select} onInput={(e) => setSelect(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={predict.busy || (!image && !text.trim())}>
          Predict
        </button>
        <ErrorBox error={predict.error} />
        {outputs[0]?.status && outputs[0].status.code !== 10000 && (
          <ErrorBox error={new Error(`${outputs[0].status.code} ${outputs[0].status.description}: ${outputs[0].status.details ?? ''}`)} />
        )}
        <Curl method="POST" path={path} body={shownBody} />
      </form>
      <div class="card">
        <h2>Concepts</h2>
        {concepts.length === 0 && <p class="muted">{outputs.length ? 'No concept passed the settings.' : 'Predictions appear here.'}</p>}
        <ul class="bars" aria-label="Predicted concepts">
          {concepts.map((c) => (
            <li key={c.id}>
              <span class="bar-label">{c.name || c.id}</span>
              <span class="bar" aria-hidden="true">
                <span style={{ width: `${Math.round(Number(c.value) * 100)}%` }} />
              </span>
              <span class="bar-value">{Number(c.value).toFixed(3)}</span>
            </li>
          ))}
        </ul>
        {(outputs[0]?.data?.clusters ?? []).length > 0 && <pre class="code">{JSON.stringify(outputs[0]?.data?.clusters, null, 2)}</pre>}
      </div>
    </div>
  );
}
