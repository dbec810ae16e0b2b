<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Check the record and enter it again if it is still right</source>
        <translation>请核对记录，如仍正确请重新录入</translation>
    </message>
    <message>
        <source>Compare both values; your team lead decides which one stays</source>
        <translation>请比较两个值，由组长决定保留哪一个</translation>
    </message>
    <message>
        <source>Nothing: the new owner sees what you recorded</source>
        <translation>无需操作：新负责人可以看到您的记录</translation>
    </message>
    <message>
        <source>Ask your team lead</source>
        <translation>请咨询组长</translation>
    </message>
    <message>
        <source>Record complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <source>Record dispute</source>
        <translation>登记争议</translation>
    </message>
    <message>
        <source>Record hardship</source>
        <translation>登记经济困难</translation>
    </message>
    <message>
        <source>Customer satisfaction</source>
        <translation>客户满意度</translation>
    </message>
    <message>
        <source>A complaint starts its response deadline and pauses contact as the rule pack requires.</source>
        <translation>登记投诉后开始计算答复时限，并按规则包要求暂停联系。</translation>
    </message>
    <message>
        <source>A dispute pauses collection until the debt is verified.</source>
        <translation>提出争议后，在债务核实前暂停催收。</translation>
    </message>
    <message>
        <source>Hardship flags the customer for care; use the plan calculator to agree what they can afford.</source>
        <translation>经济困难会标记客户需特别关照；请用还款计划计算器商定客户能负担的方案。</translation>
    </message>
    <message>
        <source>Ask: how satisfied are you with this call, from 1 to 5?</source>
        <translation>请问：您对本次通话的满意度是多少（1到5分）？</translation>
    </message>
    <message>
        <source>&amp;Category</source>
        <translation>类别(&amp;C)</translation>
    </message>
    <message>
        <source>Nothing to block</source>
        <translation>不禁止</translation>
    </message>
    <message>
        <source>&amp;No contact on</source>
        <translation>禁止联系(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>原因(&amp;R)</translation>
    </message>
    <message>
        <source>Monthly &amp;income</source>
        <translation>月收入(&amp;I)</translation>
    </message>
    <message>
        <source>Essential &amp;spending</source>
        <translation>必要开支(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Score (1–5)</source>
        <translation>评分(&amp;S)（1–5）</translation>
    </message>
    <message>
        <source>&amp;Details</source>
        <translation>详情(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Comment</source>
        <translation>备注(&amp;C)</translation>
    </message>
    <message>
        <source>Select an account first.</source>
        <translation>请先选择一个账户。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Agree this plan</source>
        <translation>确认此计划</translation>
    </message>
    <message>
        <source>Agree this plan (approved)</source>
        <translation>确认此计划（已批准）</translation>
    </message>
    <message>
        <source>Waiting for the team lead</source>
        <translation>等待组长审批</translation>
    </message>
    <message>
        <source>Request approval…</source>
        <translation>申请审批…</translation>
    </message>
    <message>
        <source>Refused by %1: %2</source>
        <translation>已被 %1 拒绝：%2</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>还款计划表</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Enter income to check affordability</source>
        <translation>输入收入以评估还款能力</translation>
    </message>
    <message>
        <source>Affordable</source>
        <translation>可负担</translation>
    </message>
    <message>
        <source>Not affordable: largest payment %1</source>
        <translation>无法负担：最大一期 %1</translation>
    </message>
    <message>
        <source>Repayment plan calculator</source>
        <translation>还款计划计算器</translation>
    </message>
    <message>
        <source>&amp;Instalments</source>
        <translation>分期期数(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Deferral months</source>
        <translation>延期月数(&amp;D)</translation>
    </message>
    <message>
        <source>Instalments &amp;after deferral</source>
        <translation>延期后分期期数(&amp;A)</translation>
    </message>
    <message>
        <source>Settlement &amp;%</source>
        <translation>和解比例(&amp;%)</translation>
    </message>
    <message>
        <source>Note for the agreement (optional)</source>
        <translation>协议备注（可选）</translation>
    </message>
    <message>
        <source>Agreement note</source>
        <translation>协议备注</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Left each month after essential spending: %1</source>
        <translation>扣除必要开支后每月剩余：%1</translation>
    </message>
    <message>
        <source>Enter income and essential spending to check affordability.</source>
        <translation>请输入收入和必要开支以评估还款能力。</translation>
    </message>
    <message>
        <source>Request approval</source>
        <translation>申请审批</translation>
    </message>
    <message>
        <source>This plan is outside policy: %1 Why should the team lead approve it?</source>
        <translation>该方案超出政策范围：%1 组长为何应批准？</translation>
    </message>
    <message>
        <source>Sent to the team lead with the next sync; you can agree it once approved.</source>
        <translation>将在下次同步时发送给组长；批准后即可确认。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System certificates</source>
        <translation>系统证书</translation>
    </message>
    <message>
        <source>None (direct)</source>
        <translation>无（直连）</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>{number} is replaced by the number, e.g. tel:{number} or sip:{number}@pbx</source>
        <translation>{number} 会替换为号码，例如 tel:{number} 或 sip:{number}@pbx</translation>
    </message>
    <message>
        <source>SQLite file, not encrypted</source>
        <translation>SQLite 文件，未加密</translation>
    </message>
    <message>
        <source>SQLite file, encrypted (SQLCipher)</source>
        <translation>SQLite 文件，已加密（SQLCipher）</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;CA bundle</source>
        <translation>CA 证书(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Proxy</source>
        <translation>代理(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Click-to-call &amp;URI</source>
        <translation>点击拨号 &amp;URI</translation>
    </message>
    <message>
        <source>Data location</source>
        <translation>数据位置</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <source>Language and theme change on the next start.</source>
        <translation>语言和主题在下次启动时生效。</translation>
    </message>
    <message>
        <source>The click-to-call URI must contain {number}.</source>
        <translation>点击拨号 URI 必须包含 {number}。</translation>
    </message>
    <message>
        <source>The server address must start with https://</source>
        <translation>服务器地址必须以 https:// 开头</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>The local data is locked. Restart the workstation to unlock it.</source>
        <translation>本地数据已锁定。请重新启动工作台以解锁。</translation>
    </message>
    <message>
        <source>This window shows %1&apos;s local data. To sign in as %2, close the workstation and sign in when it starts.</source>
        <translation>此窗口显示的是 %1 的本机数据。如要以 %2 登录，请关闭工作台，在启动时登录。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted. Check the CA bundle in Settings.</source>
        <translation>服务器证书不受信任。请在设置中检查 CA 证书。</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the address or work offline.</source>
        <translation>无法连接服务器。请检查地址，或离线工作。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>This computer is registered on the server to another user. They sign in and sync, then the computer can be handed over.</source>
        <translation>本机在服务器上登记为其他用户的设备。请该用户登录并同步，之后即可移交本机。</translation>
    </message>
    <message>
        <source>The server refused the sign-in: %1</source>
        <translation>服务器拒绝登录：%1</translation>
    </message>
    <message>
        <source>Your sign-in cannot be kept safely: %1</source>
        <translation>无法安全保存您的登录信息：%1</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Work offline</source>
        <translation>离线工作</translation>
    </message>
    <message>
        <source>Work on the data on this computer; changes sync when you sign in.</source>
        <translation>使用本机数据工作；登录后更改会同步。</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Collector Workstation</source>
        <translation>催收工作台</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>&amp;Work</source>
        <translation>工作(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Save outcome</source>
        <translation>保存通话结果(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Next account</source>
        <translation>下一个账户(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>拨打(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Plan calculator…</source>
        <translation>还款计划计算器(&amp;P)…</translation>
    </message>
    <message>
        <source>Record c&amp;omplaint…</source>
        <translation>登记投诉(&amp;O)…</translation>
    </message>
    <message>
        <source>Record &amp;dispute…</source>
        <translation>登记争议(&amp;D)…</translation>
    </message>
    <message>
        <source>Record &amp;hardship…</source>
        <translation>登记经济困难(&amp;H)…</translation>
    </message>
    <message>
        <source>Customer &amp;satisfaction…</source>
        <translation>客户满意度(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Practice (training mode)</source>
        <translation>练习（培训模式）(&amp;P)</translation>
    </message>
    <message>
        <source>My &amp;quality reviews…</source>
        <translation>我的质检评审(&amp;Q)…</translation>
    </message>
    <message>
        <source>&amp;Filter queue</source>
        <translation>筛选队列(&amp;F)</translation>
    </message>
    <message>
        <source>override</source>
        <translation>超规则操作</translation>
    </message>
    <message>
        <source>disclosures not given</source>
        <translation>未完成告知</translation>
    </message>
    <message>
        <source>complaint followed</source>
        <translation>随后有投诉</translation>
    </message>
    <message>
        <source>dispute followed</source>
        <translation>随后有争议</translation>
    </message>
    <message>
        <source>random share</source>
        <translation>随机抽样</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>符合</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>不符合</translation>
    </message>
    <message>
        <source>Not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>critical fail</source>
        <translation>严重项不合格</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Sampled for</source>
        <translation>抽样原因</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>待评审</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <source>★ critical: not met fails the review whatever the score</source>
        <translation>★ 严重项：不符合则评审不通过，无论得分多少</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>超规则操作</translation>
    </message>
    <message>
        <source>Disclosures not given</source>
        <translation>未完成的告知</translation>
    </message>
    <message>
        <source>The customer&apos;s history</source>
        <translation>客户历史</translation>
    </message>
    <message>
        <source>Sampled conversations</source>
        <translation>抽样通话</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>待评审</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已评审</translation>
    </message>
    <message>
        <source>The conversation and the customer&apos;s history</source>
        <translation>通话及客户历史</translation>
    </message>
    <message>
        <source>Comment for the agent</source>
        <translation>给催收员的评语</translation>
    </message>
    <message>
        <source>Submit review</source>
        <translation>提交评审</translation>
    </message>
    <message>
        <source>Score with the rubric</source>
        <translation>按评分表打分</translation>
    </message>
    <message>
        <source>Nothing sampled to show.</source>
        <translation>没有可显示的抽样。</translation>
    </message>
    <message>
        <source>Answer every item: %1</source>
        <translation>请回答每一项：%1</translation>
    </message>
    <message>
        <source>Review saved: %1</source>
        <translation>评审已保存：%1</translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation>未保存任何内容：%1</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>评审数</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Spread</source>
        <translation>分差</translation>
    </message>
    <message>
        <source>Verdicts differ</source>
        <translation>结论不同</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Items they disagree on</source>
        <translation>意见不一致的项目</translation>
    </message>
    <message>
        <source>not certified</source>
        <translation>未认证</translation>
    </message>
    <message>
        <source>certified</source>
        <translation>已认证</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>not passed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Rule pack</source>
        <translation>规则包</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>QA KPIs</source>
        <translation>质检指标</translation>
    </message>
    <message>
        <source>Certification</source>
        <translation>认证</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>抽样</translation>
    </message>
    <message>
        <source>Conversations from %1 to %2 (calibration reviews left out)</source>
        <translation>%1 至 %2 的通话（不含校准评审）</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Move a whole queue…</source>
        <translation>整队列调配…</translation>
    </message>
    <message>
        <source>Rebalance selected by count…</source>
        <translation>按数量均衡所选…</translation>
    </message>
    <message>
        <source>Rebalance selected by balance…</source>
        <translation>按余额均衡所选…</translation>
    </message>
    <message>
        <source>Move the queue of</source>
        <translation>调出队列</translation>
    </message>
    <message>
        <source>Move it to</source>
        <translation>调入</translation>
    </message>
    <message>
        <source>Queue of</source>
        <translation>队列：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>调给</translation>
    </message>
    <message>
        <source>any %1</source>
        <translation>全部%1</translation>
    </message>
    <message>
        <source>With a standing task</source>
        <translation>仅看有待办策略任务</translation>
    </message>
    <message>
        <source>Team accounts</source>
        <translation>团队账户</translation>
    </message>
    <message>
        <source>Reassign to</source>
        <translation>调配给</translation>
    </message>
    <message>
        <source>Reassign selected…</source>
        <translation>调配所选…</translation>
    </message>
    <message>
        <source>Queue explorer:</source>
        <translation>队列浏览：</translation>
    </message>
    <message>
        <source>Drag selected accounts onto an agent above, or</source>
        <translation>可将所选账户拖到上方的催收员，或</translation>
    </message>
    <message>
        <source>%1 agents · %2 unassigned accounts · drop accounts on an agent to reassign</source>
        <translation>%1 名催收员 · %2 个未分配账户 · 将账户拖到催收员上即可调配</translation>
    </message>
    <message>
        <source>any agent</source>
        <translation>全部催收员</translation>
    </message>
    <message>
        <source>%1 accounts · %2 selected</source>
        <translation>%1 个账户 · 已选 %2 个</translation>
    </message>
    <message>
        <source>Select at least two agents in the team table to rebalance.</source>
        <translation>请在团队表中至少选择两名催收员再均衡。</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>待复核</translation>
    </message>
    <message>
        <source>Review item details</source>
        <translation>复核详情</translation>
    </message>
    <message>
        <source>Acknowledge (Ctrl+K)</source>
        <translation>确认已阅（Ctrl+K）</translation>
    </message>
    <message>
        <source>Reassign the account to</source>
        <translation>将账户调配给</translation>
    </message>
    <message>
        <source>Reassign the account…</source>
        <translation>调配该账户…</translation>
    </message>
    <message>
        <source>Accept the other value…</source>
        <translation>采用另一值…</translation>
    </message>
    <message>
        <source>Replace the kept value with the one the collector&apos;s device had</source>
        <translation>用催收员设备上的值替换当前保留的值</translation>
    </message>
    <message>
        <source>Nothing to review.</source>
        <translation>没有待复核事项。</translation>
    </message>
    <message>
        <source>The record is kept on the account; its new owner sees it in the history.</source>
        <translation>该记录保留在账户中，新负责人可在历史中看到。</translation>
    </message>
    <message>
        <source>the account %1</source>
        <translation>账户 %1</translation>
    </message>
    <message>
        <source>the team&apos;s accounts of this customer</source>
        <translation>本组该客户的全部账户</translation>
    </message>
    <message>
        <source>Reassign from the review queue</source>
        <translation>从待复核队列重新分配</translation>
    </message>
    <message>
        <source>Give %1 to %2 and resolve this item?</source>
        <translation>将 %1 分配给 %2 并结束此复核项？</translation>
    </message>
    <message>
        <source>%1: %2 → %3
Devices receive the new value at their next sync.</source>
        <translation>%1：%2 → %3
设备将在下次同步时收到新值。</translation>
    </message>
    <message>
        <source>Accept the other value</source>
        <translation>采用另一值</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>Last 4 weeks</source>
        <translation>最近4周</translation>
    </message>
    <message>
        <source>Last 12 weeks</source>
        <translation>最近12周</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>KPI shown in the charts</source>
        <translation>图表显示的指标</translation>
    </message>
    <message>
        <source>Export CSV… (Ctrl+E)</source>
        <translation>导出CSV…（Ctrl+E）</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>KPIs per agent</source>
        <translation>各催收员指标</translation>
    </message>
    <message>
        <source>per agent</source>
        <translation>按催收员</translation>
    </message>
    <message>
        <source>team, by week</source>
        <translation>团队，按周</translation>
    </message>
    <message>
        <source>Export KPIs</source>
        <translation>导出指标</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>KPIs exported to %1</source>
        <translation>指标已导出到 %1</translation>
    </message>
    <message>
        <source>Team and queues</source>
        <translation>团队与队列</translation>
    </message>
    <message>
        <source>KPIs</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质检</translation>
    </message>
    <message>
        <source>Strategies</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>刷新（F5）</translation>
    </message>
    <message>
        <source>Show tab %1</source>
        <translation>显示第 %1 页</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Investigating</source>
        <translation>调查中</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>已指派</translation>
    </message>
    <message>
        <source>Investigation started</source>
        <translation>开始调查</translation>
    </message>
    <message>
        <source>Deadline extended</source>
        <translation>期限已延长</translation>
    </message>
    <message>
        <source>Letter produced</source>
        <translation>已生成函件</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>指派…</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认已阅</translation>
    </message>
    <message>
        <source>Investigate</source>
        <translation>开始调查</translation>
    </message>
    <message>
        <source>Extend…</source>
        <translation>延期…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>办结…</translation>
    </message>
    <message>
        <source>acknowledge</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>response</source>
        <translation>答复</translation>
    </message>
    <message>
        <source>in time</source>
        <translation>按时</translation>
    </message>
    <message>
        <source>late</source>
        <translation>逾时</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>due soon</source>
        <translation>即将到期</translation>
    </message>
    <message>
        <source>on time</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>未指派</translation>
    </message>
    <message>
        <source>Age (days)</source>
        <translation>已受理天数</translation>
    </message>
    <message>
        <source>Next deadline</source>
        <translation>下一期限</translation>
    </message>
    <message>
        <source>On time?</source>
        <translation>是否按时</translation>
    </message>
    <message>
        <source>(nobody named)</source>
        <translation>（未指明）</translation>
    </message>
    <message>
        <source>&amp;Handled by</source>
        <translation>处理人(&amp;H)</translation>
    </message>
    <message>
        <source>Complaint is &amp;about</source>
        <translation>被投诉人(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>(choose the approver)</source>
        <translation>（请选择审批人）</translation>
    </message>
    <message>
        <source>&amp;Approved by</source>
        <translation>审批人(&amp;A)</translation>
    </message>
    <message>
        <source>Extensions left under the rule pack: %1</source>
        <translation>规则包允许的剩余延期次数：%1</translation>
    </message>
    <message>
        <source>(choose the outcome)</source>
        <translation>（请选择处理结果）</translation>
    </message>
    <message>
        <source>(choose the root cause)</source>
        <translation>（请选择根本原因）</translation>
    </message>
    <message>
        <source>Amount taken off the balance, if any</source>
        <translation>从欠款中扣减的金额（如有）</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>处理结果(&amp;O)</translation>
    </message>
    <message>
        <source>Root &amp;cause</source>
        <translation>根本原因(&amp;C)</translation>
    </message>
    <message>
        <source>What was &amp;found and decided</source>
        <translation>调查结论及处理决定(&amp;F)</translation>
    </message>
    <message>
        <source>What was &amp;done about it</source>
        <translation>整改措施(&amp;D)</translation>
    </message>
    <message>
        <source>Re&amp;dress</source>
        <translation>补偿金额(&amp;D)</translation>
    </message>
    <message>
        <source>Complaints shown</source>
        <translation>显示的投诉</translation>
    </message>
    <message>
        <source>Open</source>
        <comment>complaints</comment>
        <translation>未办结</translation>
    </message>
    <message>
        <source>any owner</source>
        <translation>全部处理人</translation>
    </message>
    <message>
        <source>Overdue or due within 2 days only</source>
        <translation>仅显示已超期或2天内到期</translation>
    </message>
    <message>
        <source>Reference, customer or category…</source>
        <translation>投诉编号、客户或类别…</translation>
    </message>
    <message>
        <source>Search complaints</source>
        <translation>搜索投诉</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Take a complaint…</source>
        <translation>受理投诉…</translation>
    </message>
    <message>
        <source>On the account selected in Team and queues</source>
        <translation>针对“团队与队列”中选中的账户</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Complaint details</source>
        <translation>投诉详情</translation>
    </message>
    <message>
        <source>Complaint KPIs per agent</source>
        <translation>各催收员投诉指标</translation>
    </message>
    <message>
        <source>Select the customer&apos;s account in Team and queues first.</source>
        <translation>请先在“团队与队列”中选中客户的账户。</translation>
    </message>
    <message>
        <source>Complaint %1 registered; its owner is %2.</source>
        <translation>投诉 %1 已登记，负责人为 %2。</translation>
    </message>
    <message>
        <source>Open %1 · overdue %2 · last 4 weeks: received %3, resolved %4, in time %5, upheld %6 · top root causes: %7</source>
        <translation>未办结 %1 · 已超期 %2 · 最近4周：受理 %3，办结 %4，按时办结率 %5，投诉成立率 %6 · 主要根本原因：%7</translation>
    </message>
    <message>
        <source>No complaint selected.</source>
        <translation>未选择投诉。</translation>
    </message>
    <message>
        <source>%1: %2.</source>
        <translation>%1：%2。</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>%1 到期</translation>
    </message>
    <message>
        <source>the backend</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Complained about</source>
        <translation>被投诉人</translation>
    </message>
    <message>
        <source>Final response due</source>
        <translation>最迟答复日期</translation>
    </message>
    <message>
        <source>Extensions</source>
        <translation>延期次数</translation>
    </message>
    <message>
        <source>Redress</source>
        <translation>补偿金额</translation>
    </message>
    <message>
        <source>History</source>
        <translation>处理记录</translation>
    </message>
    <message>
        <source>Resolved in time</source>
        <translation>按时办结率</translation>
    </message>
    <message>
        <source>Upheld rate</source>
        <translation>投诉成立率</translation>
    </message>
    <message>
        <source>Top root cause</source>
        <translation>主要根本原因</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出CSV</translation>
    </message>
    <message>
        <source>Sign in to the server to see your team (the console needs a connection).</source>
        <translation>请登录服务器以查看团队（控制台需要联网）。</translation>
    </message>
    <message>
        <source>The server did not answer: %1</source>
        <translation>服务器无响应：%1</translation>
    </message>
    <message>
        <source>Reassign %1 accounts to %2</source>
        <translation>将 %1 个账户调配给 %2</translation>
    </message>
    <message>
        <source>Move the whole queue of %1 to %2</source>
        <translation>将 %1 的整个队列调配给 %2</translation>
    </message>
    <message>
        <source>Rebalance by balance: %1</source>
        <translation>按余额均衡：%1</translation>
    </message>
    <message>
        <source>Rebalance by count: %1</source>
        <translation>按数量均衡：%1</translation>
    </message>
    <message>
        <source>The server moved %1 accounts. Devices hand them over at their next sync.</source>
        <translation>服务器已调配 %1 个账户，设备将在下次同步时交接。</translation>
    </message>
    <message>
        <source>Acknowledged.</source>
        <translation>已确认。</translation>
    </message>
    <message>
        <source>Accepted %1 for %2. Devices receive it at their next sync.</source>
        <translation>已为 %2 采用 %1，设备将在下次同步时收到。</translation>
    </message>
    <message>
        <source>Reassigned to %1. Devices hand the account over at their next sync.</source>
        <translation>已重新分配给 %1，设备将在下次同步时交接账户。</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Refuse…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <source>Refuse the request</source>
        <translation>拒绝申请</translation>
    </message>
    <message>
        <source>Why? The agent reads this at the desk.</source>
        <translation>原因？坐席会在工作台看到。</translation>
    </message>
    <message>
        <source>Approved: the agent can agree the plan after their next sync.</source>
        <translation>已批准：坐席下次同步后即可确认该计划。</translation>
    </message>
    <message>
        <source>Refused: the agent sees your reason after their next sync.</source>
        <translation>已拒绝：坐席下次同步后会看到您的原因。</translation>
    </message>
    <message>
        <source>Nothing was changed: %1</source>
        <translation>未做任何更改：%1</translation>
    </message>
    <message>
        <source>Review done…</source>
        <translation>复核完成…</translation>
    </message>
    <message>
        <source>Vulnerability review done</source>
        <translation>弱势客户复核完成</translation>
    </message>
    <message>
        <source>What was agreed for this customer (how and when to contact them)?</source>
        <translation>对该客户作出了哪些安排（如何、何时联系）？</translation>
    </message>
    <message>
        <source>Review done: the pack&apos;s vulnerable rules no longer hold contact.</source>
        <translation>复核完成：规则包的弱势客户限制不再暂停联系。</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
        <source>Sign &amp;in…</source>
        <translation>登录(&amp;I)…</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>设置(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Needs attention</source>
        <translation>待处理(&amp;N)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Loading account…</source>
        <translation>正在加载账户…</translation>
    </message>
    <message>
        <source>No more accounts in this list.</source>
        <translation>此列表中没有更多账户。</translation>
    </message>
    <message>
        <source>Outcome saved.</source>
        <translation>通话结果已保存。</translation>
    </message>
    <message>
        <source>Please correct the marked fields.</source>
        <translation>请更正标记的字段。</translation>
    </message>
    <message>
        <source>Saving the outcome</source>
        <translation>正在保存通话结果</translation>
    </message>
    <message>
        <source>Saving contacts</source>
        <translation>正在保存联系方式</translation>
    </message>
    <message>
        <source>Lifting the hold</source>
        <translation>解除暂停</translation>
    </message>
    <message>
        <source>Placing breathing space</source>
        <translation>设置喘息期</translation>
    </message>
    <message>
        <source>Recorded; it reaches the server with the next sync.</source>
        <translation>已记录，将在下次同步时上传服务器。</translation>
    </message>
    <message>
        <source>Voiding the record</source>
        <translation>作废记录</translation>
    </message>
    <message>
        <source>No application handles %1</source>
        <translation>没有应用程序可以处理 %1</translation>
    </message>
    <message>
        <source>Sync is not available yet: sign in to a server first (the sync engine is not installed).</source>
        <translation>暂时无法同步：请先登录服务器（同步引擎尚未接入）。</translation>
    </message>
    <message>
        <source>Sync finished; %1 record(s) need a newer version of the workstation: please update it.</source>
        <translation>同步完成；有%1条记录需要更新版本的工作台才能显示，请更新。</translation>
    </message>
    <message>
        <source>Sync finished.</source>
        <translation>同步完成。</translation>
    </message>
    <message>
        <source>Offline: your changes are kept and will upload when the server is back.</source>
        <translation>离线：您的更改已保存，服务器恢复后将自动上传。</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>This action did not finish</source>
        <translation>此操作未完成</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <source>Due now</source>
        <translation>当前待办</translation>
    </message>
    <message>
        <source>Callbacks</source>
        <translation>预约回访</translation>
    </message>
    <message>
        <source>Promises due</source>
        <translation>承诺到期</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>May visit now</source>
        <translation>现在可以外访</translation>
    </message>
    <message>
        <source>Not now, from %1</source>
        <translation>现在不可，%1起可访</translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation>不允许</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>不限时段</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>站</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>km</source>
        <translation>公里</translation>
    </message>
    <message>
        <source>Straight-line distance from the previous stop</source>
        <translation>与上一站的直线距离</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>未还余额</translation>
    </message>
    <message>
        <source>DPD</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Last outcome</source>
        <translation>最近结果</translation>
    </message>
    <message>
        <source>Visit window</source>
        <translation>可外访时段</translation>
    </message>
    <message>
        <source>Visiting hours, customer&apos;s local time (now %1)</source>
        <translation>可外访时段，客户当地时间（现在 %1）</translation>
    </message>
    <message>
        <source>Visit now?</source>
        <translation>现在可访？</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>%1 天前</translation>
    </message>
    <message>
        <source>desk</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>field</source>
        <translation>外访</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>组长</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline, never synced</source>
        <translation>离线，从未同步</translation>
    </message>
    <message>
        <source>offline, synced %1</source>
        <translation>离线，%1同步</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>催收员</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户数</translation>
    </message>
    <message>
        <source>Balance held</source>
        <translation>持有余额</translation>
    </message>
    <message>
        <source>Attempts today</source>
        <translation>今日联系</translation>
    </message>
    <message>
        <source>RPC today</source>
        <translation>今日本人接通</translation>
    </message>
    <message>
        <source>Promises today</source>
        <translation>今日承诺</translation>
    </message>
    <message>
        <source>Collected today</source>
        <translation>今日回款</translation>
    </message>
    <message>
        <source>Reported today, unconfirmed</source>
        <translation>今日报告未确认</translation>
    </message>
    <message>
        <source>Online / last sync</source>
        <translation>在线 / 最近同步</translation>
    </message>
    <message>
        <source>Waiting to upload</source>
        <translation>待上传</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>逾期阶段</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>策略任务</translation>
    </message>
    <message>
        <source>From</source>
        <translation>原负责人</translation>
    </message>
    <message>
        <source>To</source>
        <translation>新负责人</translation>
    </message>
    <message>
        <source>Recorded after reassignment</source>
        <translation>调配后收到的记录</translation>
    </message>
    <message>
        <source>Contact details conflict</source>
        <translation>联系方式冲突</translation>
    </message>
    <message>
        <source>Compliance override</source>
        <translation>合规越权</translation>
    </message>
    <message>
        <source>Send to the field</source>
        <translation>转外访</translation>
    </message>
    <message>
        <source>Owner left the team</source>
        <translation>负责人已调离本组</translation>
    </message>
    <message>
        <source>Daily run failed</source>
        <translation>每日批处理失败</translation>
    </message>
    <message>
        <source>Complaint deadline missed</source>
        <translation>投诉答复超期</translation>
    </message>
    <message>
        <source>Approval requested</source>
        <translation>待审批申请</translation>
    </message>
    <message>
        <source>Vulnerable customer review</source>
        <translation>弱势客户复核</translation>
    </message>
    <message>
        <source>Hardship reported</source>
        <translation>客户报告经济困难</translation>
    </message>
    <message>
        <source>Reported payment not matched</source>
        <translation>报告的还款未匹配到账</translation>
    </message>
    <message>
        <source>Reported payment over balance</source>
        <translation>报告的还款超过未还余额</translation>
    </message>
    <message>
        <source>Payment returned</source>
        <translation>还款被退回</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>On the server</source>
        <translation>服务器上的值</translation>
    </message>
    <message>
        <source>On the device</source>
        <translation>本机上的值</translation>
    </message>
    <message>
        <source>Version edited</source>
        <translation>编辑时的版本</translation>
    </message>
    <message>
        <source>Server&apos;s version</source>
        <translation>服务器版本</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Terms</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Outside policy</source>
        <translation>超出政策</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Days past due</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Due on</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Recorded on</source>
        <translation>登记日期</translation>
    </message>
    <message>
        <source>Via</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Happened at</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Visit outcome</source>
        <translation>外访结果</translation>
    </message>
    <message>
        <source>Missing evidence</source>
        <translation>缺少的证据</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>催收策略</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>策略步骤</translation>
    </message>
    <message>
        <source>Experiment arm</source>
        <translation>实验组别</translation>
    </message>
    <message>
        <source>Payment reference</source>
        <translation>还款参考号</translation>
    </message>
    <message>
        <source>Bank&apos;s reason</source>
        <translation>银行退回原因</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>已重新打开</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>还款日期</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>还款方式</translation>
    </message>
    <message>
        <source>Acknowledgement</source>
        <translation>受理确认</translation>
    </message>
    <message>
        <source>Final response</source>
        <translation>最终答复</translation>
    </message>
    <message>
        <source>Owner now</source>
        <translation>当前负责人</translation>
    </message>
    <message>
        <source>Reported, unconfirmed</source>
        <translation>已报告未确认</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>联系次数</translation>
    </message>
    <message>
        <source>DPD</source>
        <comment>column</comment>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Tier</source>
        <comment>column</comment>
        <translation>等级</translation>
    </message>
    <message>
        <source>Next action</source>
        <translation>催收策略</translation>
    </message>
    <message>
        <source>Local</source>
        <comment>column</comment>
        <translation>当地</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>可联系</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>callback</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>OVERRIDE:</source>
        <translation>越权：</translation>
    </message>
    <message>
        <source>voids a record: %1</source>
        <translation>作废一条记录：%1</translation>
    </message>
    <message>
        <source>Voided by %1 on %2: %3</source>
        <translation>已由 %1 于 %2 作废：%3</translation>
    </message>
    <message>
        <source>%1 — voided by %2: %3</source>
        <translation>%1 — 已由 %2 作废：%3</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>handler assigned</source>
        <translation>已指派处理人</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>under investigation</source>
        <translation>调查中</translation>
    </message>
    <message>
        <source>deadline extended</source>
        <translation>已延长处理期限</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>response due %1</source>
        <translation>%1 前答复</translation>
    </message>
    <message>
        <source>redress %1</source>
        <translation>补偿 %1</translation>
    </message>
    <message>
        <source>pending validation</source>
        <translation>待核实</translation>
    </message>
    <message>
        <source>validation notice sent</source>
        <translation>已发送核实通知</translation>
    </message>
    <message>
        <source>collection resumed</source>
        <translation>已恢复催收</translation>
    </message>
    <message>
        <source>upheld</source>
        <translation>异议成立</translation>
    </message>
    <message>
        <source>collection may resume on %1</source>
        <translation>%1 起可恢复催收</translation>
    </message>
    <message>
        <source>adjusted by %1</source>
        <translation>调减 %1</translation>
    </message>
    <message>
        <source>Complaint acknowledgement</source>
        <translation>投诉受理通知书</translation>
    </message>
    <message>
        <source>Final response to a complaint</source>
        <translation>投诉处理结果告知书</translation>
    </message>
    <message>
        <source>Validation notice</source>
        <translation>债务核实通知书</translation>
    </message>
    <message>
        <source>settlement reached</source>
        <translation>协商结清金额已还清</translation>
    </message>
    <message>
        <source>complaint redress</source>
        <translation>投诉补偿</translation>
    </message>
    <message>
        <source>dispute upheld</source>
        <translation>异议成立</translation>
    </message>
    <message>
        <source>%1 returned: %2 (paid %3)</source>
        <translation>%1已被退回：%2（%3入账）</translation>
    </message>
    <message>
        <source>hold ended after %1 days</source>
        <translation>暂停期满（%1 天）已结束</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>已还</translation>
    </message>
    <message>
        <source>paid late</source>
        <translation>逾期后补还</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>未还</translation>
    </message>
    <message>
        <source>plan broken</source>
        <translation>计划已失效</translation>
    </message>
    <message>
        <source>plan completed</source>
        <translation>计划已完成</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>还款被退回</translation>
    </message>
    <message>
        <source>returned %1: %2</source>
        <translation>银行已于%1退回：%2</translation>
    </message>
    <message>
        <source>Paid-in-full letter</source>
        <translation>结清证明函</translation>
    </message>
    <message>
        <source>instalments missed: %1</source>
        <translation>未还期次：%1</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系记录</translation>
    </message>
    <message>
        <source>Instalment</source>
        <translation>分期</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Written off</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>Promise</source>
        <translation>承诺还款</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>还款</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>外访</translation>
    </message>
    <message>
        <source>Plan agreed</source>
        <translation>已达成计划</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Dispute</source>
        <translation>争议</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>发生了什么</translation>
    </message>
    <message>
        <source>By</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Number / address</source>
        <translation>号码 / 地址</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>同意联系</translation>
    </message>
    <message>
        <source>Opted out</source>
        <translation>已退订</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>住宅</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>期数</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>What you can do</source>
        <translation>可采取的操作</translation>
    </message>
    <message>
        <source>Open the needs-attention list</source>
        <translation>打开待处理列表</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <source>Sync progress</source>
        <translation>同步进度</translation>
    </message>
    <message>
        <source>No visit selected</source>
        <translation>未选择外访</translation>
    </message>
    <message>
        <source>No address on file</source>
        <translation>没有登记地址</translation>
    </message>
    <message>
        <source>Balance %1 · past due %2 · %3 days past due</source>
        <translation>未还余额 %1 · 逾期金额 %2 · 逾期 %3 天</translation>
    </message>
    <message>
        <source>Visiting hours %1 · customer&apos;s time now %2</source>
        <translation>可外访时段 %1 · 客户当地时间 %2</translation>
    </message>
    <message>
        <source>Address visited</source>
        <translation>外访地址</translation>
    </message>
    <message>
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Promise amount</source>
        <translation>承诺金额</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <source>Promise date</source>
        <translation>承诺日期</translation>
    </message>
    <message>
        <source>Visit notes</source>
        <translation>外访备注</translation>
    </message>
    <message>
        <source>Reason (override)</source>
        <translation>原因（越权）</translation>
    </message>
    <message>
        <source>Only if the visit was not allowed or evidence is missing</source>
        <translation>仅在不允许外访或缺少证据时填写</translation>
    </message>
    <message>
        <source>Save visit (Ctrl+Enter)</source>
        <translation>保存外访（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Agree a plan… (Ctrl+P)</source>
        <translation>制定还款计划…（Ctrl+P）</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>地址(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Promise</source>
        <translation>承诺(&amp;P)</translation>
    </message>
    <message>
        <source>O&amp;verride reason</source>
        <translation>越权原因(&amp;V)</translation>
    </message>
    <message>
        <source>What happened?</source>
        <translation>外访结果</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>外访证据</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必需</translation>
    </message>
    <message>
        <source>Agree a plan at the door</source>
        <translation>上门制定还款计划</translation>
    </message>
    <message>
        <source>Plan the route again</source>
        <translation>重新规划路线</translation>
    </message>
    <message>
        <source>Sync now (F5)</source>
        <translation>立即同步（F5）</translation>
    </message>
    <message>
        <source>Today&apos;s visits</source>
        <translation>今日外访</translation>
    </message>
    <message>
        <source>Save visit</source>
        <translation>保存外访</translation>
    </message>
    <message>
        <source>Next visit</source>
        <translation>下一户</translation>
    </message>
    <message>
        <source>Agree a plan</source>
        <translation>制定还款计划</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Go to the visit list</source>
        <translation>转到外访列表</translation>
    </message>
    <message>
        <source>1 visit</source>
        <translation>1 户</translation>
    </message>
    <message>
        <source>%1 visits</source>
        <translation>%1 户</translation>
    </message>
    <message>
        <source>1 area</source>
        <translation>1 个区域</translation>
    </message>
    <message>
        <source>%1 areas</source>
        <translation>%1 个区域</translation>
    </message>
    <message>
        <source>Today: %1 in %2 · about %3 km · %4 done</source>
        <translation>今日：%1，%2 · 约 %3 公里 · 已完成 %4 户</translation>
    </message>
    <message>
        <source>Today: %1 in %2 · %4 done</source>
        <translation>今日：%1，%2 · 已完成 %4 户</translation>
    </message>
    <message>
        <source>Visit saved on this laptop.</source>
        <translation>外访已保存在本机。</translation>
    </message>
    <message>
        <source>Not signed in: your work stays on this laptop until you sign in and sync.</source>
        <translation>未登录：您的记录保存在本机，登录并同步后上传。</translation>
    </message>
    <message>
        <source>Sync did not finish: %1 — nothing recorded here is lost.</source>
        <translation>同步未完成：%1——本机记录不会丢失。</translation>
    </message>
    <message>
        <source>Offline — sync not set up</source>
        <translation>离线——尚未设置同步</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>%1 waiting to upload</source>
        <translation>%1 项待上传</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <source>%1 need attention</source>
        <translation>%1 项待处理</translation>
    </message>
    <message>
        <source>Nothing needs your attention. Sync problems and rejected changes appear here.</source>
        <translation>暂无待处理事项。同步问题和被拒绝的更改会显示在这里。</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <source>Add phone</source>
        <translation>添加电话</translation>
    </message>
    <message>
        <source>Add e-mail</source>
        <translation>添加邮箱</translation>
    </message>
    <message>
        <source>Save contacts</source>
        <translation>保存联系方式</translation>
    </message>
    <message>
        <source>Other accounts of this customer</source>
        <translation>该客户的其他账户</translation>
    </message>
    <message>
        <source>Void…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Open document…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Past due</source>
        <translation>逾期金额</translation>
    </message>
    <message>
        <source>read</source>
        <translation>已读</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>评审人</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>评审</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reviewed by %1</source>
        <translation>评审人：%1</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
    <message>
        <source>Your notes</source>
        <translation>您的记录</translation>
    </message>
    <message>
        <source>Read on %1</source>
        <translation>已于 %1 阅读</translation>
    </message>
    <message>
        <source>My quality reviews</source>
        <translation>我的质检评审</translation>
    </message>
    <message>
        <source>Reviews of your conversations</source>
        <translation>您的通话评审</translation>
    </message>
    <message>
        <source>Reply to the reviewer (optional)</source>
        <translation>回复评审人（可选）</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Mark as read</source>
        <translation>标记为已读</translation>
    </message>
    <message>
        <source>Loading your reviews…</source>
        <translation>正在加载您的评审…</translation>
    </message>
    <message>
        <source>Sign in to the server to see your reviews.</source>
        <translation>请登录服务器查看您的评审。</translation>
    </message>
    <message>
        <source>Reviews of your conversations: %1 · not read yet: %2</source>
        <translation>您的通话评审：%1 条 · 未读：%2 条</translation>
    </message>
    <message>
        <source>No reviews of your conversations yet.</source>
        <translation>您的通话尚无评审。</translation>
    </message>
    <message>
        <source>Other accounts</source>
        <translation>其他账户</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Select an account in the queue.</source>
        <translation>请在队列中选择一个账户。</translation>
    </message>
    <message>
        <source>Voided by %1: %2</source>
        <translation>已由 %1 作废：%2</translation>
    </message>
    <message>
        <source>Void a record</source>
        <translation>作废记录</translation>
    </message>
    <message>
        <source>The record stays on the timeline, struck through with your name and this reason; it no longer counts anywhere. Why is it wrong?</source>
        <translation>该记录仍保留在时间线上，以删除线显示并附您的姓名和原因，此后不再计入任何统计。错在哪里？</translation>
    </message>
    <message>
        <source>%1 documents. Enter or double-click opens one to print or save.</source>
        <translation>共 %1 份文件。按回车或双击打开，可打印或另存。</translation>
    </message>
    <message>
        <source>Customer time %1 (%2) · your time %3</source>
        <translation>客户当地时间 %1（%2）· 您的时间 %3</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Collection may resume</source>
        <translation>可恢复催收日期</translation>
    </message>
    <message>
        <source>Uphold the dispute</source>
        <translation>认定异议成立</translation>
    </message>
    <message>
        <source>Amount taken off the balance</source>
        <translation>从欠款中扣减的金额</translation>
    </message>
    <message>
        <source>Nothing is owed: close the account</source>
        <translation>无需偿还：关闭账户</translation>
    </message>
    <message>
        <source>What was found</source>
        <translation>核查结论</translation>
    </message>
    <message>
        <source>Adjustment</source>
        <translation>调减金额</translation>
    </message>
    <message>
        <source>Not an amount</source>
        <translation>金额无效</translation>
    </message>
    <message>
        <source>Disputes</source>
        <translation>争议</translation>
    </message>
    <message>
        <source>Send the validation notice</source>
        <translation>发送核实通知</translation>
    </message>
    <message>
        <source>Resume collection…</source>
        <translation>恢复催收…</translation>
    </message>
    <message>
        <source>Uphold…</source>
        <translation>认定成立…</translation>
    </message>
    <message>
        <source>Collection on each account stays held until the dispute is resumed or upheld; a US dispute resumes by itself once its notice is sent and the pack&apos;s wait is over.</source>
        <translation>每个账户的催收在争议恢复或认定成立之前保持暂停；美国客户的争议在发出通知且等待期届满后自动恢复。</translation>
    </message>
    <message>
        <source>Resume collection</source>
        <translation>恢复催收</translation>
    </message>
    <message>
        <source>What did the investigation find?</source>
        <translation>调查结论是什么？</translation>
    </message>
    <message>
        <source>Dispute %1: %2.</source>
        <translation>争议 %1：%2。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>证件号</translation>
    </message>
    <message>
        <source>Jurisdiction</source>
        <translation>司法辖区</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>allowed from %1 %2 customer time</source>
        <translation>客户当地时间 %1 %2 起可联系</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Number or address used</source>
        <translation>使用的号码或地址</translation>
    </message>
    <message>
        <source>Call this number</source>
        <translation>拨打此号码</translation>
    </message>
    <message>
        <source>Call this number (Ctrl+D)</source>
        <translation>拨打此号码（Ctrl+D）</translation>
    </message>
    <message>
        <source>Outcome: type to search, or press 1–9</source>
        <translation>通话结果：输入搜索，或按 1–9</translation>
    </message>
    <message>
        <source>Search outcomes</source>
        <translation>搜索通话结果</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>通话结果</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Why you contact despite the block (audited)</source>
        <translation>在禁止联系时仍联系的原因（将被审计）</translation>
    </message>
    <message>
        <source>Promise &amp;amount</source>
        <translation>承诺金额(&amp;A)</translation>
    </message>
    <message>
        <source>Promise &amp;date</source>
        <translation>承诺日期(&amp;D)</translation>
    </message>
    <message>
        <source>Call&amp;back at (customer time)</source>
        <translation>预约回访时间(&amp;B)（客户当地时间）</translation>
    </message>
    <message>
        <source>Amount &amp;paid</source>
        <translation>已付金额(&amp;P)</translation>
    </message>
    <message>
        <source>Paid o&amp;n (customer&apos;s date)</source>
        <translation>还款日期(客户当地)(&amp;N)</translation>
    </message>
    <message>
        <source>Paid &amp;by</source>
        <translation>还款方式(&amp;B)</translation>
    </message>
    <message>
        <source>Settlement a&amp;mount</source>
        <translation>和解金额(&amp;M)</translation>
    </message>
    <message>
        <source>Dispute &amp;reason</source>
        <translation>争议原因(&amp;R)</translation>
    </message>
    <message>
        <source>Complaint &amp;category</source>
        <translation>投诉类别(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Hardship details</source>
        <translation>经济困难详情(&amp;H)</translation>
    </message>
    <message>
        <source>Calling is blocked: %1</source>
        <translation>无法拨打：%1</translation>
    </message>
    <message>
        <source>Call despite the block (Ctrl+D): your reason is saved with the outcome</source>
        <translation>仍要拨打（Ctrl+D）：您的理由将随结果一并保存</translation>
    </message>
    <message>
        <source>Disclosures</source>
        <translation>告知事项</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Override reason</source>
        <translation>越权原因(&amp;O)</translation>
    </message>
    <message>
        <source>Save outcome (Ctrl+Enter)</source>
        <translation>保存通话结果（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Call guide</source>
        <translation>通话指引</translation>
    </message>
    <message>
        <source>May I contact now?</source>
        <translation>现在可以联系吗？</translation>
    </message>
    <message>
        <source>(opted out)</source>
        <translation>（已退订）</translation>
    </message>
    <message>
        <source>In the customer’s language</source>
        <translation>使用客户的语言</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>开场白</translation>
    </message>
    <message>
        <source>Required disclosures</source>
        <translation>必须告知的内容</translation>
    </message>
    <message>
        <source>Queue filter tabs</source>
        <translation>队列筛选标签</translation>
    </message>
    <message>
        <source>Filter by name, account or jurisdiction (Ctrl+F)</source>
        <translation>按姓名、账户或辖区筛选（Ctrl+F）</translation>
    </message>
    <message>
        <source>Filter queue</source>
        <translation>筛选队列</translation>
    </message>
    <message>
        <source>Work queue</source>
        <translation>工作队列</translation>
    </message>
    <message>
        <source>Why this account is here</source>
        <translation>此账户在队列中的原因</translation>
    </message>
    <message>
        <source>%1 accounts shown</source>
        <translation>显示 %1 个账户</translation>
    </message>
    <message>
        <source>Why now:</source>
        <translation>当前原因：</translation>
    </message>
    <message>
        <source>Suggested:</source>
        <translation>建议：</translation>
    </message>
    <message>
        <source>(no PDF)</source>
        <translation>（无PDF）</translation>
    </message>
    <message>
        <source>A sync is already running.</source>
        <translation>同步正在进行中。</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>About Collector Workstation</source>
        <translation>关于催收工作台</translation>
    </message>
    <message>
        <source>Agreement %1 — print or save for signing</source>
        <translation>协议 %1 — 打印或保存以供签署</translation>
    </message>
    <message>
        <source>Application icon</source>
        <translation>应用图标</translation>
    </message>
    <message>
        <source>Buy now, pay later</source>
        <translation>先买后付</translation>
    </message>
    <message>
        <source>Car loan</source>
        <translation>汽车贷款</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Current (not overdue)</source>
        <comment>bucket</comment>
        <translation>正常</translation>
    </message>
    <message>
        <source>Credit card</source>
        <translation>信用卡</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Deferral</source>
        <translation>延期还款</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Instalments</source>
        <translation>分期还款</translation>
    </message>
    <message>
        <source>Largest monthly payment %1</source>
        <translation>每月最高还款 %1</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>No agreements yet. Agree a plan in the plan calculator (Ctrl+P).</source>
        <translation>暂无协议。请在还款计划计算器中约定方案（Ctrl+P）。</translation>
    </message>
    <message>
        <source>Off (sync on demand only)</source>
        <translation>关闭（仅手动同步）</translation>
    </message>
    <message>
        <source>On a plan</source>
        <translation>还款计划中</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>暂停催收</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未结清</translation>
    </message>
    <message>
        <source>Opening the agreement</source>
        <translation>打开协议</translation>
    </message>
    <message>
        <source>Overdraft</source>
        <translation>透支</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已还清</translation>
    </message>
    <message>
        <source>Personal loan</source>
        <translation>个人贷款</translation>
    </message>
    <message>
        <source>Pick an SMS or e-mail template, see the filled text and its verdict, send</source>
        <translation>选择短信或邮件模板，查看填好的内容与合规结论后发送</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Preparing the agreement…</source>
        <translation>正在生成协议…</translation>
    </message>
    <message>
        <source>Send &amp;reminder…</source>
        <translation>发送提醒(&amp;R)…</translation>
    </message>
    <message>
        <source>Send reminder (Ctrl+M)</source>
        <translation>发送提醒 (Ctrl+M)</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>已和解结清</translation>
    </message>
    <message>
        <source>Settlement</source>
        <translation>协商结清</translation>
    </message>
    <message>
        <source>Sync e&amp;very</source>
        <translation>自动同步间隔(&amp;V)</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>affordable up to %1 a month</source>
        <translation>每月可负担上限 %1</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <source>desktop build</source>
        <translation>桌面安装版</translation>
    </message>
    <message>
        <source>from source</source>
        <translation>源码安装</translation>
    </message>
    <message>
        <source>Font licence texts</source>
        <translation>字体许可文本</translation>
    </message>
    <message>
        <source>Bundled fonts</source>
        <translation>随附字体</translation>
    </message>
    <message>
        <source>Libraries</source>
        <translation>使用的程序库</translation>
    </message>
    <message>
        <source>Font</source>
        <translation>字体</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>程序库</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>A workstation for humane debt collection: a prioritised, explained queue, contact rules enforced even offline, exact repayment plans and agreements.</source>
        <translation>人性化的催收工作站：排好优先级并说明原因的工作队列，离线时也照样执行的联系规则，精确的还款计划与还款协议。</translation>
    </message>
    <message>
        <source>min</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>open promise</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>已兑现</translation>
    </message>
    <message>
        <source>partly kept</source>
        <translation>部分履约</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>已违约</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>信函</translation>
    </message>
    <message>
        <source>Lead&apos;s console</source>
        <translation>主管控制台</translation>
    </message>
    <message>
        <source>Customer portal</source>
        <translation>客户自助页面</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>致电</translation>
    </message>
    <message>
        <source>Hardship review</source>
        <translation>困难评估</translation>
    </message>
    <message>
        <source>Hardship</source>
        <translation>经济困难</translation>
    </message>
    <message>
        <source>Vulnerable</source>
        <translation>弱势客户</translation>
    </message>
    <message>
        <source>Breathing space</source>
        <translation>喘息期</translation>
    </message>
    <message>
        <source>Deceased</source>
        <translation>已身故</translation>
    </message>
    <message>
        <source>Bankrupt</source>
        <translation>破产</translation>
    </message>
    <message>
        <source>Cease communication</source>
        <translation>停止联系</translation>
    </message>
    <message>
        <source>Fraud review</source>
        <translation>欺诈审查中</translation>
    </message>
    <message>
        <source>Too many contacts</source>
        <translation>联系过于频繁</translation>
    </message>
    <message>
        <source>Contacted at work / wrong place</source>
        <translation>在工作单位等不当场所联系</translation>
    </message>
    <message>
        <source>Staff conduct</source>
        <translation>工作人员态度</translation>
    </message>
    <message>
        <source>Amount or charges</source>
        <translation>金额或费用</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Debt disclosed to someone else</source>
        <translation>向他人透露债务</translation>
    </message>
    <message>
        <source>Bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Mobile wallet (Alipay, WeChat Pay…)</source>
        <translation>移动支付（支付宝、微信支付等）</translation>
    </message>
    <message>
        <source>Cash at a branch</source>
        <translation>网点现金</translation>
    </message>
    <message>
        <source>reported by the customer</source>
        <translation>客户告知，待银行确认</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>银行已确认到账</translation>
    </message>
    <message>
        <source>Not my debt</source>
        <translation>非本人债务</translation>
    </message>
    <message>
        <source>Amount is wrong</source>
        <translation>金额有误</translation>
    </message>
    <message>
        <source>Already paid</source>
        <translation>已经还款</translation>
    </message>
    <message>
        <source>Identity theft</source>
        <translation>身份被冒用</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Collector Workstation…</source>
        <translation>关于催收工作台(&amp;A)…</translation>
    </message>
    <message>
        <source>Unlock local data</source>
        <translation>解锁本地数据</translation>
    </message>
    <message>
        <source>&amp;Passphrase</source>
        <translation>口令(&amp;P)</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>The local data cannot be opened</source>
        <translation>无法打开本地数据</translation>
    </message>
    <message>
        <source>Working offline: your changes are kept and sync when you sign in.</source>
        <translation>离线工作中：您的更改会保留，登录后同步。</translation>
    </message>
    <message>
        <source>The printer could not be started.</source>
        <translation>无法启动打印机。</translation>
    </message>
    <message>
        <source>Agreement preview</source>
        <translation>协议预览</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Page number</source>
        <translation>页码</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Open in PDF viewer</source>
        <translation>在PDF阅读器中打开</translation>
    </message>
    <message>
        <source>Rendering page %1…</source>
        <translation>正在显示第 %1 页…</translation>
    </message>
    <message>
        <source>This document cannot be shown: %1</source>
        <translation>无法显示该文件：%1</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>/ 共 %1 页</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <source>Printing page %1 of %2…</source>
        <translation>正在打印第 %1 页（共 %2 页）…</translation>
    </message>
    <message>
        <source>Sent %1 page(s) to the printer.</source>
        <translation>已向打印机发送 %1 页。</translation>
    </message>
    <message>
        <source>Printing failed: %1</source>
        <translation>打印失败：%1</translation>
    </message>
    <message>
        <source>Save the agreement as</source>
        <translation>将协议另存为</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>Opened in the PDF viewer.</source>
        <translation>已在PDF阅读器中打开。</translation>
    </message>
    <message>
        <source>No PDF viewer could be started; the file is at %1</source>
        <translation>无法启动PDF阅读器；文件位于 %1</translation>
    </message>
    <message>
        <source>The file could not be written: %1</source>
        <translation>无法写入文件：%1</translation>
    </message>
    <message>
        <source>KPI per agent</source>
        <translation>各催收员指标</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>team %1</source>
        <translation>团队 %1</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>KPI trend by week</source>
        <translation>指标周趋势</translation>
    </message>
    <message>
        <source>Asking the server what would move…</source>
        <translation>正在向服务器确认将调配哪些账户…</translation>
    </message>
    <message>
        <source>Accounts that move</source>
        <translation>将调配的账户</translation>
    </message>
    <message>
        <source>Why these accounts go to an uncertified agent</source>
        <translation>为何将这些账户分配给未认证的催收员</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>调配</translation>
    </message>
    <message>
        <source>Nothing would move: the queues are already like that.</source>
        <translation>无需调配：队列已是如此。</translation>
    </message>
    <message>
        <source>%1 accounts will move. Nothing has changed yet.</source>
        <translation>将调配 %1 个账户。目前尚未做任何更改。</translation>
    </message>
    <message>
        <source>Move %1 accounts</source>
        <translation>调配 %1 个账户</translation>
    </message>
    <message>
        <source>%1 is not certified for %2: %3 accounts</source>
        <translation>%1 未获得 %2 认证：%3 个账户</translation>
    </message>
    <message>
        <source>Not certified for these accounts&apos; jurisdiction:</source>
        <translation>未获得这些账户所在司法辖区的认证：</translation>
    </message>
    <message>
        <source>Say why they should have them (kept in the audit), or cancel.</source>
        <translation>请说明理由（记入审计日志），或取消。</translation>
    </message>
    <message>
        <source>The server could not say what would move.</source>
        <translation>服务器无法确认将调配哪些账户。</translation>
    </message>
    <message>
        <source>Say why the accounts go to an uncertified agent.</source>
        <translation>请说明为何将账户分配给未认证的催收员。</translation>
    </message>
    <message>
        <source>Moving…</source>
        <translation>正在调配…</translation>
    </message>
    <message>
        <source>Done: the server moved %1 accounts.</source>
        <translation>完成：服务器已调配 %1 个账户。</translation>
    </message>
    <message>
        <source>The team changed since the preview; the list shows what actually moved.</source>
        <translation>预览后团队有变化；列表显示实际调配的账户。</translation>
    </message>
    <message>
        <source>Nothing was moved: %1</source>
        <translation>未调配任何账户：%1</translation>
    </message>
    <message>
        <source>Send reminder</source>
        <translation>发送提醒</translation>
    </message>
    <message>
        <source>&amp;Channel</source>
        <translation>渠道(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>模板(&amp;T)</translation>
    </message>
    <message>
        <source>Send &amp;to</source>
        <translation>发送至(&amp;O)</translation>
    </message>
    <message>
        <source>Settlement &amp;amount</source>
        <translation>结清金额(&amp;A)</translation>
    </message>
    <message>
        <source>Offer &amp;valid until</source>
        <translation>有效期至(&amp;V)</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>消息内容</translation>
    </message>
    <message>
        <source>Compliance verdict</source>
        <translation>合规判断</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>The message waits in the outbox and the server sends it; the timeline shows queued → sent → delivered.</source>
        <translation>消息进入待同步队列，由服务器发送；时间线依次显示排队中 → 已发送 → 已送达。</translation>
    </message>
    <message>
        <source> — opted out</source>
        <translation>（已退订）</translation>
    </message>
    <message>
        <source> — no consent</source>
        <translation>（未获同意）</translation>
    </message>
    <message>
        <source>mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>home</source>
        <translation>家庭</translation>
    </message>
    <message>
        <source>work</source>
        <translation>工作</translation>
    </message>
    <message>
        <source>No address on file</source>
        <comment>phone or e-mail</comment>
        <translation>无可用联系方式</translation>
    </message>
    <message>
        <source>Subject: </source>
        <translation>主题：</translation>
    </message>
    <message>
        <source>%1 characters</source>
        <translation>%1 个字符</translation>
    </message>
    <message>
        <source>%1 SMS segment · %2 · %3 characters</source>
        <translation>%1 条短信 · %2 编码 · %3 个字符</translation>
    </message>
    <message>
        <source>%1 SMS segments · %2 · %3 characters</source>
        <translation>%1 条短信 · %2 编码 · %3 个字符</translation>
    </message>
    <message>
        <source>Opt-out wording (required here): %1</source>
        <translation>退订说明（本辖区必须附带）：%1</translation>
    </message>
    <message>
        <source>Opt-out wording: %1</source>
        <translation>退订说明：%1</translation>
    </message>
    <message>
        <source>May send now</source>
        <translation>现在可以发送</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Required disclosures given</source>
        <translation>已告知的必要事项</translation>
    </message>
    <message>
        <source>Why a disclosure was not given (audited)</source>
        <translation>未告知某项必要事项的原因（将被审计）</translation>
    </message>
    <message>
        <source>Why a disclosure was not given</source>
        <translation>未告知必要事项的原因</translation>
    </message>
    <message>
        <source>Disclosure given</source>
        <translation>已告知</translation>
    </message>
    <message>
        <source>Say why (it is kept with your name).</source>
        <translation>请填写原因（将与您的姓名一并记录）。</translation>
    </message>
    <message>
        <source>Holds on this account</source>
        <translation>本账户的暂停事项</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>暂停事项</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>设置人及日期</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>What lifts it</source>
        <translation>解除条件</translation>
    </message>
    <message>
        <source>Lift…</source>
        <translation>解除…</translation>
    </message>
    <message>
        <source>Place breathing space…</source>
        <translation>设置喘息期…</translation>
    </message>
    <message>
        <source>Holds: %1 — contact waits until each is lifted.</source>
        <translation>暂停事项：%1 项 — 逐项解除后方可联系。</translation>
    </message>
    <message>
        <source>No hold on this account.</source>
        <translation>本账户没有暂停事项。</translation>
    </message>
    <message>
        <source>Record that %1</source>
        <translation>记录：%1</translation>
    </message>
    <message>
        <source>Lifted when %1</source>
        <translation>解除条件：%1</translation>
    </message>
    <message>
        <source>Lift: %1</source>
        <translation>解除：%1</translation>
    </message>
    <message>
        <source>This records that %1. Why?</source>
        <translation>将记录：%1。原因是？</translation>
    </message>
    <message>
        <source>Place breathing space</source>
        <translation>设置喘息期</translation>
    </message>
    <message>
        <source>Contact, interest and charges stop for 60 days from today. Who notified it (the debt adviser, the Insolvency Service reference)?</source>
        <translation>自今日起60天内暂停联系，并冻结利息和费用。由谁通知（债务顾问、破产服务署编号）？</translation>
    </message>
    <message>
        <source>A lasting hold</source>
        <translation>长期暂停</translation>
    </message>
    <message>
        <source>Record the outcome</source>
        <translation>记录此结果</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>China (NIFA)</source>
        <translation>中国（互金协会）</translation>
    </message>
    <message>
        <source>United Kingdom (FCA CONC)</source>
        <translation>英国（FCA CONC）</translation>
    </message>
    <message>
        <source>United States (Regulation F)</source>
        <translation>美国（F 条例）</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Not passed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Not passed: a critical check failed</source>
        <translation>未通过：严重检查项不合格</translation>
    </message>
    <message>
        <source>Quiz: %1</source>
        <translation>测验：%1</translation>
    </message>
    <message>
        <source>Right.</source>
        <translation>正确。</translation>
    </message>
    <message>
        <source>Not right.</source>
        <translation>不正确。</translation>
    </message>
    <message>
        <source>%1 of %2 answered · score %3 (%4 to pass)</source>
        <translation>已答 %1 / %2 题 · 得分 %3（%4 及格）</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>场景</translation>
    </message>
    <message>
        <source>Start the scenario</source>
        <translation>开始该场景</translation>
    </message>
    <message>
        <source>Finish and score</source>
        <translation>结束并评分</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Take the quiz…</source>
        <translation>参加测验…</translation>
    </message>
    <message>
        <source>Submit for certification</source>
        <translation>提交认证</translation>
    </message>
    <message>
        <source>Pass every scenario and the quiz first.</source>
        <translation>请先通过所有场景和测验。</translation>
    </message>
    <message>
        <source>Choose a scenario and start it.</source>
        <translation>请选择一个场景并开始。</translation>
    </message>
    <message>
        <source>Whoever answered</source>
        <translation>接听人</translation>
    </message>
    <message>
        <source>Record what happened at the desk, then finish and score.</source>
        <translation>在工作台上记录发生的情况，然后结束并评分。</translation>
    </message>
    <message>
        <source>Not signed in: open Practice from the desk&apos;s Work menu while signed in to submit for certification.</source>
        <translation>未登录：请在登录状态下从工作台的“工作”菜单打开练习，以提交认证。</translation>
    </message>
    <message>
        <source>Sending to the server…</source>
        <translation>正在发送到服务器…</translation>
    </message>
    <message>
        <source>Certified for %1 until %2 (score %3 %).</source>
        <translation>已获得 %1 认证，有效期至 %2（得分 %3 %）。</translation>
    </message>
    <message>
        <source>Not certified for %1 (score %3 %): the server found checks failed.</source>
        <translation>未获得 %1 认证（得分 %3 %）：服务器发现有检查项未通过。</translation>
    </message>
    <message>
        <source>TRAINING — %1 — practice customers, nothing is synced</source>
        <translation>培训 — %1 — 练习客户，不会同步任何数据</translation>
    </message>
    <message>
        <source>TRAINING MODE · %1 · practice customers generated on this computer; nothing here is synced or reaches a real customer</source>
        <translation>培训模式 · %1 · 练习客户在本机生成；此处的一切都不会同步，也不会触达真实客户</translation>
    </message>
    <message>
        <source>Practice</source>
        <translation>练习</translation>
    </message>
    <message>
        <source>Training mode: nothing is synced.</source>
        <translation>培训模式：不会同步任何数据。</translation>
    </message>
    <message>
        <source>Take a complaint</source>
        <translation>受理投诉</translation>
    </message>
    <message>
        <source>What the customer said, in their words</source>
        <translation>客户的原话</translation>
    </message>
    <message>
        <source>no one in particular</source>
        <translation>不针对具体人员</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>About the collector</source>
        <translation>被投诉的催收员</translation>
    </message>
    <message>
        <source>Write what the customer complains about.</source>
        <translation>请填写客户投诉的内容。</translation>
    </message>
    <message>
        <source>Nothing was recorded: %1</source>
        <translation>未记录任何内容：%1</translation>
    </message>
    <message>
        <source>running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>promoted</source>
        <translation>已升级</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Results with intervals</source>
        <translation>结果及置信区间</translation>
    </message>
    <message>
        <source>No results yet</source>
        <translation>尚无结果</translation>
    </message>
    <message>
        <source>challenger − champion, with its interval</source>
        <translation>挑战者 − 冠军（含置信区间）</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>客群</translation>
    </message>
    <message>
        <source>Champion</source>
        <translation>冠军策略</translation>
    </message>
    <message>
        <source>Experiment running</source>
        <translation>进行中的实验</translation>
    </message>
    <message>
        <source>Segments and their champions</source>
        <translation>客群及其冠军策略</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Challenger</source>
        <translation>挑战者策略</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Accounts (champion / challenger)</source>
        <translation>账户数（冠军 / 挑战者）</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Promote the challenger…</source>
        <translation>将挑战者升为冠军…</translation>
    </message>
    <message>
        <source>Stop the experiment…</source>
        <translation>停止实验…</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>客群</translation>
    </message>
    <message>
        <source>No experiment selected.</source>
        <translation>未选择实验。</translation>
    </message>
    <message>
        <source>Recovery to date: %1 at %2 % confidence (%3 champion / %4 challenger accounts).</source>
        <translation>迄今回收率：%1（置信度 %2 %；冠军 %3 户 / 挑战者 %4 户）。</translation>
    </message>
    <message>
        <source>Flagged: the challenger&apos;s complaints per 1,000 exceed the champion&apos;s by more than the guard-rail (%1), whatever its recovery.</source>
        <translation>已标记：挑战者的千户投诉数比冠军高出超过警戒线（%1），无论其回收率如何。</translation>
    </message>
    <message>
        <source>Make %1 the champion of %2? Every account of the segment will follow it.</source>
        <translation>将 %1 设为 %2 的冠军策略？该客群的所有账户都将按其执行。</translation>
    </message>
    <message>
        <source>Stop the experiment? Its accounts go back to %1&apos;s champion.</source>
        <translation>停止实验？其账户将回到 %1 的冠军策略。</translation>
    </message>
    <message>
        <source>Promote the challenger</source>
        <translation>将挑战者升为冠军</translation>
    </message>
    <message>
        <source>Stop the experiment</source>
        <translation>停止实验</translation>
    </message>
    <message>
        <source>Experiment %1: %2.</source>
        <translation>实验 %1：%2。</translation>
    </message>
    <message>
        <source>%1 (one rating)</source>
        <translation>%1（1 条评分）</translation>
    </message>
    <message>
        <source>%1 (%2 ratings)</source>
        <translation>%1（%2 条评分）</translation>
    </message>
    <message>
        <source>channel not recorded</source>
        <translation>未记录渠道</translation>
    </message>
    <message>
        <source>Customer portal: what customers did themselves</source>
        <translation>客户自助页面：客户自己完成的操作</translation>
    </message>
    <message>
        <source>Plans agreed on the portal</source>
        <translation>在自助页面达成的还款计划</translation>
    </message>
    <message>
        <source>Promises made on the portal</source>
        <translation>在自助页面作出的还款承诺</translation>
    </message>
    <message>
        <source>Callbacks requested on the portal</source>
        <translation>在自助页面预约的回电</translation>
    </message>
    <message>
        <source>Payments confirmed through the portal</source>
        <translation>经自助页面确认的还款</translation>
    </message>
    <message>
        <source>Survey response rate</source>
        <translation>满意度调查回复率</translation>
    </message>
    <message>
        <source>Satisfaction, the customers&apos; own ratings</source>
        <translation>满意度（客户本人评分）</translation>
    </message>
    <message>
        <source>Satisfaction, agent-entered during the call</source>
        <translation>满意度（坐席在通话中录入）</translation>
    </message>
    <message>
        <source>Customers&apos; ratings by channel</source>
        <translation>按渠道的客户评分</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Sign in to the server to see the portal&apos;s figures.</source>
        <translation>登录服务器后才能查看自助页面的数据。</translation>
    </message>
    <message>
        <source>%1 answered of %2 sent</source>
        <translation>已发送 %2 份，回复 %1 份</translation>
    </message>
    <message>
        <source>Customers&apos; ratings by the channel of the conversation rated: %1</source>
        <translation>按所评沟通渠道的客户评分：%1</translation>
    </message>
    <message>
        <source>%1 – %2, days the server received the records (UTC).</source>
        <translation>%1 – %2，按服务器收到记录的日期（UTC）。</translation>
    </message>
    <message>
        <source>The portal&apos;s figures are not available: %1</source>
        <translation>暂时无法获取自助页面的数据：%1</translation>
    </message>
    <message>
        <source>Local data only: %1</source>
        <translation>仅使用本机数据：%1</translation>
    </message>
</context>
</TS>
