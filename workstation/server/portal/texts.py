"""Every sentence the portal shows, in English and Simplified Chinese (``Text``).

Templates call ``t('key')``; a key missing here fails the render (and the tests), never
shows a raw key to a customer."""

from __future__ import annotations

from workstation.text import Text

T: dict[str, Text] = {
    # frame
    "portal": Text("Your account", "您的账户"),
    "language": Text("Language", "语言"),
    "skip": Text("Skip to the content", "跳到正文"),
    "signout": Text("Sign out", "退出"),
    "back": Text("Back to your account", "返回账户"),
    "footer": Text(
        "This page is private to you. Never share your code with anyone, us included.",
        "此页面仅供您本人使用。请勿向任何人（包括我们）透露验证码。",
    ),
    "required": Text("required", "必填"),
    "optional": Text("optional", "选填"),
    # verify
    "verify_title": Text("First, let us check it is you", "首先，请确认是您本人"),
    "verify_intro": Text(
        "We will send a one-time code to the contact details we hold. Then enter the code and "
        "either the last four characters of your ID number or your date of birth.",
        "我们会向您登记的联系方式发送一次性验证码。请输入验证码，以及证件号码最后四位或出生日期"
        "（任填其一）。",
    ),
    "send_code": Text("Send me a code", "发送验证码"),
    "send_again": Text("Send a new code", "重新发送验证码"),
    "send_by": Text("Send the code by", "验证码发送方式"),
    "by_sms": Text("Text message to the phone ending {tail}", "短信发送至尾号{tail}的手机"),
    "by_email": Text("E-mail to {masked}", "邮件发送至 {masked}"),
    "code_sent": Text(
        "We sent a code. It is valid for 10 minutes.", "验证码已发送，10分钟内有效。"
    ),
    "code": Text("One-time code (6 digits)", "一次性验证码（6位数字）"),
    "id_last4": Text("Last 4 characters of your ID number", "证件号码最后4位"),
    "proof_hint": Text(
        "Fill in one of the two: the last 4 characters of your ID number, or your date of birth.",
        "以下两项任填其一：证件号码最后4位，或出生日期。",
    ),
    "birth_date": Text("Date of birth", "出生日期"),
    "birth_year": Text("Year", "年"),
    "birth_month": Text("Month", "月"),
    "birth_day": Text("Day", "日"),
    "bad_birth_date": Text(
        "That is not a date. Enter your date of birth as day, month and year in numbers, "
        "for example 7 3 1985.",
        "这不是有效的日期。请用数字填写出生的年、月、日，例如 1985 3 7。",
    ),
    "give_a_proof": Text(
        "Enter the last 4 characters of your ID number or your date of birth.",
        "请填写证件号码最后4位或出生日期。",
    ),
    "verify": Text("Continue", "继续"),
    "no_contact": Text(
        "We hold no phone or e-mail we may use to send you a code. Please call us.",
        "我们没有可用于发送验证码的电话或邮箱，请致电我们。",
    ),
    "attempts_left": Text(
        "That did not match. {left} attempts left before this link is locked.",
        "信息不匹配。再错误{left}次后此链接将被锁定。",
    ),
    "code_expired": Text(
        "That code has expired or was never sent. Ask for a new one.",
        "验证码已过期或尚未发送，请重新获取。",
    ),
    "too_many_codes": Text(
        "We have sent several codes already. Please wait an hour before asking again.",
        "验证码发送次数过多，请一小时后再试。",
    ),
    "send_failed": Text(
        "We could not send the code just now. Please try again in a few minutes.",
        "暂时无法发送验证码，请几分钟后重试。",
    ),
    # refusals
    "link_bad_title": Text("This link does not work", "此链接无效"),
    "link_bad": Text(
        "The link is incomplete or has been changed. Open it again from the message we sent "
        "you, or call us on {phone} and we will send a new one.",
        "链接不完整或已被修改。请从我们发送的消息中重新打开，或致电{phone}，我们会发送新链接。",
    ),
    "link_expired_title": Text("This link has expired", "此链接已过期"),
    "link_expired": Text(
        "For your safety links work for a limited time. Call us on {phone} or reply to our "
        "message and we will send you a new one.",
        "为保障您的安全，链接仅在有限时间内有效。请致电{phone}或回复我们的消息，我们会发送新链接。",
    ),
    "link_locked_title": Text("This link is locked", "此链接已锁定"),
    "link_locked": Text(
        "There were too many wrong attempts, so we locked this link to protect your account. "
        "Call us on {phone} and we will check who you are and send a new link.",
        "错误尝试次数过多，为保护您的账户，此链接已锁定。请致电{phone}，核实身份后我们会发送新链接。",
    ),
    "form_stale_title": Text("This form was already sent", "此表单已提交过"),
    "form_stale": Text(
        "The form was sent before, or it is too old. Nothing was changed. Go back, reload the "
        "page and try again.",
        "此表单已提交过或已过期，未作任何更改。请返回并刷新页面后重试。",
    ),
    "session_over_title": Text("Please sign in again", "请重新验证"),
    "session_over": Text(
        "Your visit ended (after 30 minutes, or you signed out). Open the link from our "
        "message again.",
        "您的访问已结束（超过30分钟或已退出）。请重新打开我们消息中的链接。",
    ),
    "not_found_title": Text("Page not found", "页面不存在"),
    "not_found": Text("There is no such page.", "没有此页面。"),
    "nothing_changed": Text("Nothing was recorded.", "未记录任何内容。"),
    "fix_below": Text("Please correct the fields marked below.", "请更正下方标出的内容。"),
    # account
    "hello": Text("Hello, {name}", "{name}，您好"),
    "balance": Text("Balance", "欠款余额"),
    "past_due": Text("Past due", "逾期金额"),
    "days_past_due": Text("{days} days past due", "已逾期{days}天"),
    "creditor": Text("Creditor", "债权人"),
    "reference": Text("Account reference", "账户编号"),
    "next_title": Text("What happens next", "接下来会怎样"),
    "next_open": Text(
        "Your account is past due. If you pay, promise a date or agree a plan here, we will "
        "not chase you while you keep to it. Otherwise your collector will contact you.",
        "您的账户已逾期。如您在此还款、承诺还款日期或商定还款计划，只要按约履行，我们不会催收。否则，催收员会与您联系。",
    ),
    "next_promise": Text(
        "You promised to pay {amount} by {date}. Thank you. We will check for the payment "
        "after that day.",
        "您已承诺于{date}前还款{amount}，谢谢。该日之后我们会核对还款情况。",
    ),
    "next_plan": Text(
        "You have a repayment plan. Pay each instalment by its date and nothing else happens.",
        "您已有还款计划。请按期还款，其他无需操作。",
    ),
    "next_hold": Text(
        "Collection is paused on your account while we review it. We will write to you.",
        "您的账户正在审核，催收已暂停。我们会书面通知您。",
    ),
    "next_closed": Text(
        "This account is closed. Nothing more is owed.", "此账户已结清，无需再还款。"
    ),
    "what_to_do": Text("What would you like to do?", "您想做什么？"),
    "act_pay": Text("Pay now", "立即还款"),
    "act_plan": Text("Choose a repayment plan", "选择还款计划"),
    "act_promise": Text("Promise to pay on a date", "承诺在某日还款"),
    "act_callback": Text("Ask us to call you", "请我们给您回电"),
    "act_hardship": Text("Tell us you are in financial difficulty", "告诉我们您有经济困难"),
    "act_complaint": Text("Make a complaint", "投诉"),
    "act_dispute": Text("Dispute this debt", "对此债务提出异议"),
    "act_preferences": Text("Stop texts or e-mails", "停止短信或邮件"),
    # done
    "done_title": Text("Thank you", "谢谢"),
    "done_promise": Text(
        "We noted your promise to pay {amount} by {date}.", "已记录您承诺于{date}前还款{amount}。"
    ),
    "done_callback": Text(
        "We will call you at {when} (your time).", "我们会在{when}（您当地时间）给您回电。"
    ),
    "done_hardship": Text(
        "We have paused collection for {days} days while we review your situation. Someone "
        "will contact you about it.",
        "我们已暂停催收{days}天，以便评估您的情况，届时会有专人与您联系。",
    ),
    "done_complaint": Text(
        "Your complaint is registered. Its reference is {reference}. We will answer by {date}.",
        "您的投诉已登记，编号{reference}。我们会在{date}前答复。",
    ),
    "done_complaint_nodate": Text(
        "Your complaint is registered. Its reference is {reference}.",
        "您的投诉已登记，编号{reference}。",
    ),
    "done_dispute": Text(
        "Your dispute is recorded (reference {reference}). We pause collection until we have "
        "checked it.",
        "您的异议已记录（编号{reference}）。核实完成前我们会暂停催收。",
    ),
    "done_preferences": Text("Your choices are saved.", "您的选择已保存。"),
    "done_plan": Text(
        "Your plan is agreed: {summary}. Keep the agreement for your records.",
        "您的还款计划已生效：{summary}。请保存协议以备查。",
    ),
    "download_agreement": Text("Download the agreement (PDF)", "下载协议（PDF）"),
    # promise
    "promise_title": Text("Promise to pay", "承诺还款"),
    "amount": Text("Amount ({currency})", "金额（{currency}）"),
    "pay_by": Text("I will pay by", "还款日期"),
    "promise_hint": Text(
        "Up to 30 days from today, at most the balance.", "自今天起30天内，金额不超过余额。"
    ),
    "submit_promise": Text("Record my promise", "记录我的承诺"),
    "bad_amount": Text(
        "Enter an amount above zero and at most the balance.", "请输入大于0且不超过余额的金额。"
    ),
    "bad_date": Text("Choose a date from today to 30 days ahead.", "请选择今天起30天内的日期。"),
    # callback
    "callback_title": Text("Ask us to call you", "请我们回电"),
    "callback_when": Text("When (your local time)", "时间（您当地时间）"),
    "callback_day": Text("Day", "日期"),
    "callback_time": Text("Time", "时间"),
    "callback_hint": Text(
        "We may call only at the hours the rules for your area allow.",
        "我们只能在您所在地区规定允许的时间致电。",
    ),
    "callback_not_allowed": Text(
        "We may not call you at that time: {why}", "我们不能在该时间致电：{why}"
    ),
    "callback_suggest": Text("We can call you at any of these times:", "我们可以在以下时间致电："),
    "submit_callback": Text("Ask for the call", "提交回电请求"),
    "bad_slot": Text(
        "Choose a day within the next 14 days and a time.", "请选择未来14天内的日期和时间。"
    ),
    # plan
    "plan_title": Text("Choose a repayment plan", "选择还款计划"),
    "plan_intro": Text(
        "These are the plans we can agree without a call. If none suits you, ask us to call "
        "you and we will look for another.",
        "以下是无需通话即可商定的计划。如都不合适，请让我们给您回电，我们会另行协商。",
    ),
    "income": Text("Monthly income ({currency})", "月收入（{currency}）"),
    "spending": Text("Essential monthly spending ({currency})", "每月必要支出（{currency}）"),
    "afford_hint": Text(
        "Optional: with these we show only plans you can afford.",
        "选填：填写后我们只显示您能负担的计划。",
    ),
    "check_afford": Text("Show plans I can afford", "显示我能负担的计划"),
    "can_afford": Text(
        "You can spend up to {amount} a month on repayments.", "您每月最多可用于还款{amount}。"
    ),
    "choose": Text("Choose this plan", "选择此计划"),
    "no_plan": Text(
        "None of the plans we can agree online fits what you can afford. Ask us to call you: "
        "we will look for another way.",
        "在线可商定的计划都超出您的负担能力。请让我们给您回电，我们会另想办法。",
    ),
    "plan_refused": Text(
        "That plan cannot be agreed online. Nothing was recorded. Ask us to call you instead.",
        "该计划无法在线商定，未记录任何内容。请让我们给您回电。",
    ),
    "first_due": Text("First payment", "首期还款"),
    "total": Text("Total", "合计"),
    "review_title": Text("Read and agree", "阅读并同意"),
    "review_intro": Text(
        "Read the agreement before you agree. You can download it now and again afterwards.",
        "同意前请阅读协议。您现在可以下载，之后也可以再次下载。",
    ),
    "draft_agreement": Text("Read the agreement (PDF)", "阅读协议（PDF）"),
    "consent_name": Text("Type your full name to sign", "输入您的全名以签署"),
    "consent_box": Text(
        "I have read the agreement and I agree to this plan.", "我已阅读协议并同意此还款计划。"
    ),
    "agree": Text("I agree", "我同意"),
    "consent_missing": Text(
        "Tick the box and type your name as we hold it to agree.",
        "请勾选并输入与我们记录一致的姓名以表示同意。",
    ),
    "schedule": Text("Schedule", "还款安排"),
    "instalment_n": Text("Payment {n}", "第{n}期"),
    # hardship
    "hardship_title": Text("Financial difficulty", "经济困难"),
    "hardship_intro": Text(
        "Tell us what has changed. We pause collection while someone reviews your situation.",
        "请告诉我们您的情况有何变化。专人评估期间，我们会暂停催收。",
    ),
    "hardship_details": Text("What has happened", "发生了什么"),
    "submit_hardship": Text("Send", "提交"),
    "bad_details": Text(
        "Tell us in a few words (up to 2000 characters).", "请简要说明（不超过2000字）。"
    ),
    # complaint / dispute
    "complaint_title": Text("Make a complaint", "投诉"),
    "complaint_category": Text("What is it about", "投诉事项"),
    "complaint_details": Text("Tell us what happened", "请说明情况"),
    "submit_complaint": Text("Send my complaint", "提交投诉"),
    "cat_conduct": Text("How I was treated", "对我的态度"),
    "cat_contact": Text("Too many or unwanted calls or messages", "来电或信息过多或不当"),
    "cat_amount": Text("The amount is wrong", "金额有误"),
    "cat_other": Text("Something else", "其他"),
    "dispute_title": Text("Dispute this debt", "对债务提出异议"),
    "dispute_reason": Text("Why", "理由"),
    "dispute_details": Text("Details", "详细说明"),
    "submit_dispute": Text("Send my dispute", "提交异议"),
    "why_not_mine": Text("This is not my debt", "这不是我的债务"),
    "why_paid": Text("I have already paid", "我已还款"),
    "why_amount": Text("The amount is wrong", "金额有误"),
    "why_other": Text("Another reason", "其他理由"),
    "bad_choice": Text("Choose one of the options.", "请选择一项。"),
    # preferences
    "prefs_title": Text("Texts and e-mails", "短信和邮件"),
    "prefs_intro": Text(
        "Tick what you no longer want to receive. We may still write to you by post when the "
        "law requires it.",
        "请勾选您不再希望接收的方式。法律要求时，我们仍可能邮寄信件。",
    ),
    "stop_sms": Text("Stop text messages", "停止短信"),
    "stop_email": Text("Stop e-mails", "停止邮件"),
    "already_stopped": Text("(already stopped)", "（已停止）"),
    "save": Text("Save", "保存"),
    # pay
    "pay_title": Text("Pay now", "立即还款"),
    "pay_amount": Text("Amount to pay ({currency})", "还款金额（{currency}）"),
    "pay_hint": Text(
        "You will go to our payment provider's secure page and come back here.",
        "您将进入支付服务商的安全页面，完成后返回此处。",
    ),
    "continue_pay": Text("Continue to payment", "继续支付"),
    "pay_done_title": Text("Payment received", "已收到还款"),
    "pay_done": Text(
        "Thank you. {amount} is booked to your account.", "谢谢。{amount}已记入您的账户。"
    ),
    "pay_pending_title": Text("Payment in progress", "支付处理中"),
    "pay_pending": Text(
        "We are waiting for the payment provider to confirm. Reload this page in a moment.",
        "正在等待支付服务商确认，请稍后刷新此页面。",
    ),
    "gateway_title": Text("Test payment page", "测试支付页面"),
    "gateway_intro": Text(
        "This stands in for the payment provider in demonstrations and tests. No money moves.",
        "此页面在演示和测试中代替支付服务商，不会发生真实扣款。",
    ),
    "gateway_pay": Text("Pay {amount}", "支付{amount}"),
    "gateway_cancel": Text("Cancel", "取消"),
    # survey
    "survey_title": Text("How did we do?", "您对我们的服务满意吗？"),
    "survey_intro": Text(
        "Please rate your last conversation with us, from 1 (very poor) to 5 (very good).",
        "请为您最近一次与我们的沟通评分：1分（很差）到5分（很好）。",
    ),
    "rating": Text("Your rating", "您的评分"),
    "rate_1": Text("1 - very poor", "1 - 很差"),
    "rate_2": Text("2 - poor", "2 - 较差"),
    "rate_3": Text("3 - fair", "3 - 一般"),
    "rate_4": Text("4 - good", "4 - 较好"),
    "rate_5": Text("5 - very good", "5 - 很好"),
    "comment": Text("Anything you want to tell us", "您想告诉我们的话"),
    "send_rating": Text("Send my rating", "提交评分"),
    "survey_done": Text("Thank you for your rating.", "感谢您的评分。"),
    "survey_used_title": Text("Already answered", "已提交"),
    "survey_used": Text("This survey was answered already. Thank you.", "此问卷已提交过，谢谢。"),
}


def text(key: str, language: str, **values: object) -> str:
    entry = T[key]
    return entry.format(**values).get(language) if values else entry.get(language)
