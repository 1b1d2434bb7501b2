import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** The training loss by epoch, redrawn as the log grows (uPlot: small, canvas, no dependencies). */
export function LossChart({ epochs, losses }: { epochs: number[]; losses: number[] }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, Math.min(el.clientWidth || 600, 900));
    const data: uPlot.AlignedData = [epochs, losses];
    if (!plot.current) {
      plot.current = new uPlot(
        {
          width,
          height: 220,
          // Log scale: a loss falls by orders of magnitude, and on a linear axis all but the first epochs lie flat.
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [{ label: 'epoch' }, { label: 'loss' }],
          series: [{ label: 'epoch' }, { label: 'loss', stroke: '#2563eb', width: 2, points: { show: epochs.length < 30 } }],
          legend: { show: true },
        },
        data,
        el,
      );
    } else plot.current.setData(data);
  }, [epochs.join(','), losses.join(',')]);
  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
    },
    [],
  );
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`Training loss over ${epochs.length} logged epochs${losses.length ? `, last ${losses[losses.length - 1]}` : ''}`} />
      <figcaption class="sr-only">Loss by epoch from the training log.</figcaption>
    </figure>
  );
}
