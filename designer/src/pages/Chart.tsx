// One ECharts chart (SVG, the modules it needs only: no eval, so the page keeps its Content Security Policy).
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import type { ChartData } from "../model/reportCharts";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export function Chart({ kind, data, label, testId }: { kind: "bar" | "line"; data: ChartData; label: (series: string) => string; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const chart = echarts.init(host.current, undefined, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 72 },
      xAxis: { type: "category", data: data.axisNamesColumns ? data.axis.map(label) : data.axis, axisLabel: { rotate: data.axis.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((s) => ({ name: label(s.name), type: kind, data: s.values, smooth: false })),
    });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [kind, data, label]);
  return (
    <div
      ref={host}
      className="chart"
      data-testid={testId}
      data-axis={JSON.stringify(data.axis)}
      data-series={JSON.stringify(data.series)}
      role="img"
      aria-label={data.series.map((s) => label(s.name)).join(", ")}
    />
  );
}
