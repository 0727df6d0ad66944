// One ECharts chart, built from the library's modules this page uses only (line and bar charts,
// grid, tooltip, legend, the canvas renderer), so the lazy chunk carries no more of ECharts.
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, type ECElementEvent, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/**
 * A chart of `option`, redrawn when it changes and resized with its box. `onClick` gets the
 * indexes of the data item (a bar, a point) and of its series. The box carries `data-series-count` (the series
 * drawn) for whoever checks the page.
 */
export function Chart(props: {
  option: ChartOption;
  height: number;
  label: string;
  testId?: string;
  onClick?: (dataIndex: number, seriesIndex: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);
  const onClick = useRef(props.onClick);
  onClick.current = props.onClick;

  useEffect(() => {
    if (!box.current) return;
    const instance = init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (event) => {
      const clicked = event as ECElementEvent;
      onClick.current?.(clicked.dataIndex, clicked.seriesIndex ?? 0);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true });
  }, [props.option]);

  const series = Array.isArray(props.option.series)
    ? props.option.series.length
    : props.option.series
      ? 1
      : 0;
  return (
    <div
      ref={box}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      data-series-count={series}
      style={{ width: '100%', height: props.height, cursor: props.onClick ? 'pointer' : undefined }}
    />
  );
}
