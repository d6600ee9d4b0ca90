// 简体中文：概览：今日数据、目标，以及通话记录保留多久。
import type dashboardEn from "../en/dashboard";

const dashboard: typeof dashboardEn = {
  dashboard: {
    title: "概览",
    today: "今天，{{day}}（租户所在时区）",
    reload: "刷新",
    figure: {
      calls: "今日来电",
      service_level: "服务水平",
      abandonment: "放弃率",
      containment: "自助解决率",
      voicemail_waiting: "待处理留言",
    },
    hint: {
      calls: "今天开始的所有来电，包括实际来电和保存的模拟来电。",
      service_level: "进入队列的来电中 20 秒内由坐席接听的比例。",
      abandonment: "进入队列的来电中在等待时挂断的比例。",
      containment: "由流程自助完成的来电占全部来电的比例。",
      voicemail_waiting: "尚未处理的留言（打开语音信箱）。",
    },
    kpis: "目标",
    kpi: { connection_rate: "接通率", agent_answer_rate: "坐席接听率" },
    target: "目标 {{target}}",
    met: "达标",
    missed: "未达标",
    noCalls: "暂无来电",
    retention: {
      title: "记录保留",
      kept_one: "通话记录保留 {{count}} 天。",
      kept_other: "通话记录保留 {{count}} 天。",
      forever: "通话记录永久保留（未设置保留期限）。",
      next: "下次清理：{{when}}（{{zone}}）。",
      noSchedule: "本服务不自动清理（以 --no-prune 运行）：请用 cron 运行 `callflow records prune`。",
      last: "上次清理：{{when}}，清理 {{before}} 之前的记录：删除 {{calls}} 条通话、{{messages}} 条留言和 {{files}} 个音频文件。",
      never: "尚未清理过。",
    },
  },
};

export default dashboard;
