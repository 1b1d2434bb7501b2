import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

interface LineChartProps {
  x: number[];
  y: number[];
  xLabel: string;
  yLabel: string;
  /** Log-scaled y axis. */
  logY?: boolean;
  /** What the chart shows, for screen readers. */
  label: string;
}

/** One line, redrawn in place as data grows (uPlot: small, canvas, no dependencies). */
export function LineChart({ x, y, xLabel, yLabel, logY = false, label }: LineChartProps): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [x, y];
    if (plot.current) return plot.current.setData(data);
    plot.current = new uPlot(
      {
        width: Math.max(260, Math.min(el.clientWidth || 600, 900)),
        height: 220,
        scales: { x: { time: false }, y: logY ? { distr: 3 } : { range: [0, 1] } },
        axes: [{ label: xLabel }, { label: yLabel }],
        series: [{ label: xLabel }, { label: yLabel, stroke: '#2563eb', width: 2, points: { show: x.length < 30 } }],
      },
      data,
      el,
    );
  }, [x.join(','), y.join(',')]);
  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
    },
    [],
  );
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={label} />
    </figure>
  );
}

/** The training loss by epoch; log scale, because a loss falls by orders of magnitude and on a linear axis all but the first epochs lie flat. */
export function LossChart({ epochs, losses }: { epochs: number[]; losses: number[] }): JSX.Element {
  return (
    <LineChart
      x={epochs}
      y={losses}
      xLabel="epoch"
      yLabel="loss"
      logY
      label={`Training loss over ${epochs.length} logged epochs${losses.length ? `, last ${losses[losses.length - 1]}` : ''}`}
    />
  );
}
