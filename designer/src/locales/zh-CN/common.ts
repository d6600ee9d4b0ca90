// 简体中文：每个页面共用的文字：导航、登录、流程列表、保存、星期、读屏标签。
import type commonEn from "../en/common";

const common: typeof commonEn = {
  loading: "正在加载…",
  close: "关闭",
  cancel: "取消",
  on: "开",
  nav: { flows: "流程", dashboard: "概览", reports: "报表", voicemail: "语音信箱", files: "数据文件", environment: "环境配置", language: "语言", logout: "退出登录" },
  role: { viewer: "只读", editor: "编辑", admin: "管理员" },
  login: {
    tagline: "绘制、检查、测试并发布呼叫流程。",
    username: "用户名",
    password: "密码",
    tenant: "租户",
    submit: "登录",
    failed: "用户名或密码错误。",
    tooMany: "尝试次数过多，请稍后再试。",
  },
  flows: {
    title: "流程",
    new: "新建流程",
    name: "名称",
    flowTitle: "标题",
    create: "创建",
    draft: "草稿",
    published: "已发布",
    changed: "发布后有改动",
    same: "与发布版一致",
    never: "从未发布",
    rename: "重命名",
    renameTo: "新名称：",
    delete: "删除",
    confirmDelete: "删除流程 {{name}}？其已发布的版本也会被删除。",
  },
  save: { saved: "已保存", pending: "有未保存的改动", saving: "正在保存…", error: "未保存", conflict: "冲突" },
  day: { mon: "周一", tue: "周二", wed: "周三", thu: "周四", fri: "周五", sat: "周六", sun: "周日" },
  aria: {
    node: "按回车或空格选择节点；方向键移动；Delete 删除。",
    nodeKeyboardDisabled: "按回车或空格选择节点。",
    edge: "按回车或空格选择连线；Delete 删除。",
    zoomIn: "放大",
    zoomOut: "缩小",
    fitView: "适应画布",
    interactive: "锁定画布",
    minimap: "缩略图",
  },
};

export default common;
