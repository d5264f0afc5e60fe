"""Chinese words for everything that is not a model field or code: report columns, summary
sections and metrics, history columns. Model fields and codes carry their own labels
(``models``); this table holds the rest, in one place. Imports nothing from driverparty.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # listing and validation
    "file": "文件", "field": "字段", "message": "问题",
    # history
    "commit": "提交", "date": "日期", "author": "作者", "action": "操作", "subject": "说明",
    "changes": "变更", "change": "变化", "fields": "字段变更", "old": "原值", "new": "新值",
    "added": "新增", "removed": "删除", "changed": "修改",
    "add": "新增", "update": "修改", "remove": "删除", "import": "导入",
    "promote": "发展", "verify": "核实", "transfer": "转接", "leave": "离开",
    "assign": "转办", "resolve": "办结", "close": "回访", "reopen": "重新办理",
    "reject": "不予受理", "withdraw": "撤回", "renumber": "重新编号", "merge": "合并",
    # reports
    "section": "类别", "metric": "指标", "value": "数值", "count": "人数", "total": "合计",
    "branches": "党组织", "members": "成员", "stations": "服务站点", "petitions": "诉求",
    "party": "党员", "mobile": "流动党员", "unattached": "未纳入组织的党员",
    "due_for_full": "应转正", "screening_due": "待复核", "meeting_standard": "达标站点",
    "open": "办理中", "resolved": "已办结", "overdue": "已超期",
    "responded_on_time_rate": "按时转办率", "resolved_on_time_rate": "按时办结率",
    "wishes_fulfilled": "微心愿已实现", "median_days_to_resolve": "办结天数中位数",
    "month": "月份", "finding": "发现", "subject_id": "对象", "coverage_rate": "组织覆盖率",
    "should_form_branch": "应单独建立支部", "should_join_joint_branch": "应纳入联合党支部",
    "unattached_member": "未纳入组织的党员", "station_without_branch": "无责任支部的站点",
    "days_overdue": "超期天数", "full_due": "应转正日期", "meets": "达标", "missing": "缺少设施",
    "kind": "类型", "id": "编号", "name": "名称",
    "true": "是", "false": "否",
    # the printable report page (html.py): its phrases, capitalised so they never meet a code
    "Party work report": "党建工作报告", "as of": "截至", "Division code": "行政区划代码",
    "Summary": "主要数据", "Party members": "党员", "Members on the roster": "在册人员",
    "Branches": "党组织", "Stations": "服务站点", "Petitions": "诉求",
    "Stations meeting the standard": "达标站点", "Resolved on time (%)": "按时办结率（%）",
    "Due for re-verification": "待复核党员", "Branch coverage": "党组织覆盖",
    "Members by branch": "各党组织人数", "Members": "人数", "No branch": "未纳入组织",
    "Coverage rate": "组织覆盖率", "In a branch": "已纳入组织", "Unattached": "未纳入组织",
    "Coverage findings": "覆盖问题", "No findings": "未发现问题", "Member pipeline": "党员发展",
    "Petitions per month": "每月诉求", "Petitions by category": "诉求分类",
    "Received": "收到", "Resolved": "办结", "Resolved on time": "按时办结",
    "Stations and the standard": "服务站点达标情况", "Standard": "标准",
    "Meets the standard": "达标", "Falls short": "未达标",
    "What the other stations lack": "未达标站点缺少的设施",
    "Stations short of the standard": "未达标站点", "Screening due": "待复核党员",
    "Never verified": "从未核实", "Nobody is due": "无待复核党员",
    "Made by driverparty from the records as of": "由 driverparty 根据记录生成，截至",
}
