"""A small line for the heat map beside the tests: a menu whose key 1 is answered, key 2 takes a complaint, and a
failure hangs up; its test suite takes key 1 and the failure, never key 2."""

from __future__ import annotations

FLOW = """flow counter_line
  languages zh-CN, en

prompt welcome
  zh-CN "查询请按1，投诉请按2。"
  en "Press 1 to ask, 2 to complain."

prompt asked
  zh-CN "您的问题已答复。"
  en "Here is your answer."

prompt noted
  zh-CN "您的投诉已记录。"
  en "Your complaint is noted."

main: menu welcome
  key 1  -> ask
  key 2  -> complain
  failed -> bye

ask: say asked -> bye

complain: say noted -> bye

bye: hangup
"""
"""The line, in Chinese and English."""

SUITE = """at: 2026-11-20T10:00
cases:
  - name: "key 1 is answered"
    input: [dtmf:1]
    expect:
      reached: [ask, bye]
  - name: "silence ends the call"
    input: [wait:60]
    expect:
      reached: [bye]
      not_reached: [ask, complain]
"""
"""Two cases: key 1 through `main`, `ask` and `bye`; silence through `main`'s `failed` to `bye` (which no caller
takes); none through `complain`."""
