// 简体中文：环境配置页面：数据文件、队列等、工作时间、开关。
import type environmentEn from "../en/environment";

const environment: typeof environmentEn = {
  files: {
    title: "数据文件",
    intro: "查询节点读取的 CSV 和 SQLite 文件，以及测试所用的环境配置。文件整体写入：来电不会读到写了一半的文件。",
    choose: "选择文件",
    path: "路径",
    size: "大小",
    modified: "修改时间",
    upload: "上传",
    uploading: "正在上传…",
    uploaded: "已上传 {{path}}（{{size}}）。",
    replace: "替换…",
    delete: "删除",
    deleted: "已删除 {{path}}。",
    confirmReplace: "替换 {{path}}？查询节点从下一通来电起读取新文件。",
    confirmDelete: "删除 {{path}}？读取它的查询节点在文件恢复前会失败。",
    badPath: "路径由字母、数字、_ . - 组成的名称以 / 分隔（最多四层），例如 data/tickets.csv。",
  },
  env: {
    switches: "开关",
    queues: "队列",
    mailboxes: "语音信箱",
    destinations: "转接目标",
    sources: "数据源",
    voices: "语音",
    name: "名称",
    schedule: "时间表",
    hours: "工作时间",
    holidays: "节假日",
    save: "保存环境配置",
  },
  switches: {
    on: "开",
    off: "关",
    confirmOn: "打开开关 {{name}}？正在进行的通话会立即按它处理。",
    confirmOff: "关闭开关 {{name}}？正在进行的通话会立即按它处理。",
    lastFlipped: "上次由 {{who}} 于 {{when}} 切换",
  },
};

export default environment;
