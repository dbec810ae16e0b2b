<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name />
    <message>
      <location filename="../../ui/context.py" line="91" />
      <source>Check the record and enter it again if it is still right</source>
      <translation>请核对记录，如仍正确请重新录入</translation>
    </message>
    <message>
      <location filename="../../ui/context.py" line="92" />
      <source>Compare both values; your team lead decides which one stays</source>
      <translation>请比较两个值，由组长决定保留哪一个</translation>
    </message>
    <message>
      <location filename="../../ui/context.py" line="93" />
      <source>Nothing: the new owner sees what you recorded</source>
      <translation>无需操作：新负责人可以看到您的记录</translation>
    </message>
    <message>
      <location filename="../../ui/context.py" line="104" />
      <source>Ask your team lead</source>
      <translation>请咨询组长</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="50" />
      <source>Record complaint</source>
      <translation>登记投诉</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="51" />
      <source>Record dispute</source>
      <translation>登记争议</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="52" />
      <source>Record hardship</source>
      <translation>登记经济困难</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="53" />
      <source>Customer satisfaction</source>
      <translation>客户满意度</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="68" />
      <source>A complaint starts its response deadline and pauses contact as the rule pack requires.</source>
      <translation>登记投诉后开始计算答复时限，并按规则包要求暂停联系。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="70" />
      <source>A dispute pauses collection until the debt is verified.</source>
      <translation>提出争议后，在债务核实前暂停催收。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="72" />
      <source>Hardship flags the customer for care; use the plan calculator to agree what they can afford.</source>
      <translation>经济困难会标记客户需特别关照；请用还款计划计算器商定客户能负担的方案。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="74" />
      <source>Ask: how satisfied are you with this call, from 1 to 5?</source>
      <translation>请问：您对本次通话的满意度是多少（1到5分）？</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="80" />
      <source>&amp;Category</source>
      <translation>类别(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="82" />
      <source>Nothing to block</source>
      <translation>不禁止</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="83" />
      <source>&amp;No contact on</source>
      <translation>禁止联系(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="95" />
      <source>&amp;Reason</source>
      <translation>原因(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="98" />
      <location filename="../../ui/dialogs/plan.py" line="129" />
      <source>Monthly &amp;income</source>
      <translation>月收入(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="100" />
      <location filename="../../ui/dialogs/plan.py" line="130" />
      <source>Essential &amp;spending</source>
      <translation>必要开支(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="105" />
      <source>&amp;Score (1–5)</source>
      <translation>评分(&amp;S)（1–5）</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="109" />
      <source>&amp;Details</source>
      <translation>详情(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="109" />
      <source>&amp;Comment</source>
      <translation>备注(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="130" />
      <location filename="../../ui/dialogs/plan.py" line="180" />
      <source>Select an account first.</source>
      <translation>请先选择一个账户。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="154" />
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/common.py" line="32" />
      <source>Something went wrong: %1</source>
      <translation>出现问题：%1</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/common.py" line="39" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/common.py" line="40" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/common.py" line="41" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/common.py" line="42" />
      <source>OK</source>
      <translation>确定</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="58" />
      <location filename="../../ui/dialogs/plan.py" line="75" />
      <source>Agree this plan</source>
      <translation>确认此计划</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="74" />
      <source>Schedule</source>
      <translation>还款计划表</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="77" />
      <source>Total</source>
      <translation>合计</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="80" />
      <source>Enter income to check affordability</source>
      <translation>输入收入以评估还款能力</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="82" />
      <source>Affordable</source>
      <translation>可负担</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="86" />
      <source>Not affordable: largest payment %1</source>
      <translation>无法负担：最大一期 %1</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="105" />
      <source>Repayment plan calculator</source>
      <translation>还款计划计算器</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="131" />
      <source>&amp;Instalments</source>
      <translation>分期期数(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="132" />
      <source>&amp;Deferral months</source>
      <translation>延期月数(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="133" />
      <source>Instalments &amp;after deferral</source>
      <translation>延期后分期期数(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="134" />
      <source>Settlement &amp;%</source>
      <translation>和解比例(&amp;%)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="151" />
      <source>Note for the agreement (optional)</source>
      <translation>协议备注（可选）</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="152" />
      <source>Agreement note</source>
      <translation>协议备注</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="162" />
      <location filename="../../ui/models.py" line="373" />
      <source>Note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="209" />
      <source>Left each month after essential spending: %1</source>
      <translation>扣除必要开支后每月剩余：%1</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/plan.py" line="215" />
      <source>Enter income and essential spending to check affordability.</source>
      <translation>请输入收入和必要开支以评估还款能力。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="28" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="33" />
      <source>System certificates</source>
      <translation>系统证书</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="35" />
      <source>None (direct)</source>
      <translation>无（直连）</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="41" />
      <source>Light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="42" />
      <source>Dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="46" />
      <source>{number} is replaced by the number, e.g. tel:{number} or sip:{number}@pbx</source>
      <translation>{number} 会替换为号码，例如 tel:{number} 或 sip:{number}@pbx</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="49" />
      <source>SQLite file, not encrypted</source>
      <translation>SQLite 文件，未加密</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="50" />
      <source>SQLite file, encrypted (SQLCipher)</source>
      <translation>SQLite 文件，已加密（SQLCipher）</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="51" />
      <source>In memory only — nothing is kept after exit</source>
      <translation>仅在内存中——退出后不保留任何数据</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="58" />
      <location filename="../../ui/dialogs/signin.py" line="117" />
      <source>&amp;Server</source>
      <translation>服务器(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="59" />
      <source>&amp;CA bundle</source>
      <translation>CA 证书(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="60" />
      <source>&amp;Proxy</source>
      <translation>代理(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="61" />
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="62" />
      <source>&amp;Theme</source>
      <translation>主题(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="63" />
      <source>Click-to-call &amp;URI</source>
      <translation>点击拨号 &amp;URI</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="64" />
      <source>Data location</source>
      <translation>数据位置</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="65" />
      <source>Storage</source>
      <translation>存储</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="72" />
      <source>Language and theme change on the next start.</source>
      <translation>语言和主题在下次启动时生效。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/settings_dialog.py" line="90" />
      <source>The click-to-call URI must contain {number}.</source>
      <translation>点击拨号 URI 必须包含 {number}。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="47" />
      <source>The server address must start with https://</source>
      <translation>服务器地址必须以 https:// 开头</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="49" />
      <source>Enter your user name.</source>
      <translation>请输入用户名。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="51" />
      <source>Enter your password.</source>
      <translation>请输入密码。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="53" />
      <source>The local data is locked. Restart the workstation to unlock it.</source>
      <translation>本地数据已锁定。请重新启动工作台以解锁。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="78" />
      <source>The server's certificate is not trusted. Check the CA bundle in Settings.</source>
      <translation>服务器证书不受信任。请在设置中检查 CA 证书。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="82" />
      <source>The server cannot be reached. Check the address or work offline.</source>
      <translation>无法连接服务器。请检查地址，或离线工作。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="86" />
      <source>Wrong user name or password.</source>
      <translation>用户名或密码错误。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="87" />
      <source>The server refused the sign-in: %1</source>
      <translation>服务器拒绝登录：%1</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="90" />
      <source>Your sign-in cannot be kept safely: %1</source>
      <translation>无法安全保存您的登录信息：%1</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="109" />
      <location filename="../../ui/dialogs/signin.py" line="128" />
      <source>Sign in</source>
      <translation>登录</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="118" />
      <source>&amp;User</source>
      <translation>用户名(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="119" />
      <source>&amp;Password</source>
      <translation>密码(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="130" />
      <source>Work offline</source>
      <translation>离线工作</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="132" />
      <source>Work on the data on this computer; changes sync when you sign in.</source>
      <translation>使用本机数据工作；登录后更改会同步。</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/signin.py" line="156" />
      <source>Signing in…</source>
      <translation>正在登录…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="84" />
      <source>Collector Workstation</source>
      <translation>催收工作台</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="97" />
      <location filename="../../ui/sync_panel.py" line="74" />
      <source>Needs attention</source>
      <translation>待处理</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="150" />
      <source>&amp;Work</source>
      <translation>工作(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="151" />
      <source>&amp;Account</source>
      <translation>账户(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="152" />
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="155" />
      <source>&amp;Save outcome</source>
      <translation>保存通话结果(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="158" />
      <source>&amp;Next account</source>
      <translation>下一个账户(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="160" />
      <source>&amp;Call</source>
      <translation>拨打(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="163" />
      <source>&amp;Plan calculator…</source>
      <translation>还款计划计算器(&amp;P)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="166" />
      <source>Record c&amp;omplaint…</source>
      <translation>登记投诉(&amp;O)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="173" />
      <source>Record &amp;dispute…</source>
      <translation>登记争议(&amp;D)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="180" />
      <source>Record &amp;hardship…</source>
      <translation>登记经济困难(&amp;H)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="187" />
      <source>Customer &amp;satisfaction…</source>
      <translation>客户满意度(&amp;S)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="194" />
      <source>&amp;Filter queue</source>
      <translation>筛选队列(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="198" />
      <source>Show tab %1</source>
      <translation>显示第 %1 页</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="205" />
      <location filename="../../ui/sync_panel.py" line="88" />
      <source>S&amp;ync now</source>
      <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="208" />
      <source>Sign &amp;in…</source>
      <translation>登录(&amp;I)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="211" />
      <source>S&amp;ettings…</source>
      <translation>设置(&amp;E)…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="218" />
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="220" />
      <source>&amp;Needs attention</source>
      <translation>待处理(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="222" />
      <source>Main</source>
      <translation>主工具栏</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="259" />
      <source>Loading account…</source>
      <translation>正在加载账户…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="298" />
      <source>No more accounts in this list.</source>
      <translation>此列表中没有更多账户。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="318" />
      <source>Outcome saved.</source>
      <translation>通话结果已保存。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="327" />
      <source>Please correct the marked fields.</source>
      <translation>请更正标记的字段。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="329" />
      <source>Saving the outcome</source>
      <translation>正在保存通话结果</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="356" />
      <source>Saving contacts</source>
      <translation>正在保存联系方式</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="368" />
      <source>No application handles %1</source>
      <translation>没有应用程序可以处理 %1</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="422" />
      <source>Sync is not available yet: sign in to a server first (the sync engine is not installed).</source>
      <translation>暂时无法同步：请先登录服务器（同步引擎尚未接入）。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="447" />
      <source>Sync finished.</source>
      <translation>同步完成。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="462" />
      <source>Offline: your changes are kept and will upload when the server is back.</source>
      <translation>离线：您的更改已保存，服务器恢复后将自动上传。</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="465" />
      <source>Sync</source>
      <translation>同步</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="477" />
      <source>Something went wrong</source>
      <translation>出现问题</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="54" />
      <source>Due now</source>
      <translation>当前待办</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="55" />
      <source>Callbacks</source>
      <translation>预约回访</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="56" />
      <source>Promises due</source>
      <translation>承诺到期</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="57" />
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="264" />
      <source>#</source>
      <translation>序号</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="265" />
      <source>Customer</source>
      <translation>客户</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="266" />
      <location filename="../../ui/views/account.py" line="133" />
      <location filename="../../ui/views/account.py" line="235" />
      <source>Balance</source>
      <translation>未还余额</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="133" />
      <location filename="../../ui/views/account.py" line="235" />
      <source>DPD</source>
      <translation>逾期天数</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="268" />
      <source>Bucket</source>
      <translation>逾期阶段</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="235" />
      <source>Tier</source>
      <translation>风险等级</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="267" />
      <source>DPD</source>
      <comment>column</comment>
      <translation>逾期</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="269" />
      <source>Tier</source>
      <comment>column</comment>
      <translation>等级</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="270" />
      <source>Next action</source>
      <translation>催收策略</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="271" />
      <source>Local</source>
      <comment>column</comment>
      <translation>当地</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="272" />
      <source>Now</source>
      <translation>可联系</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="297" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="297" />
      <source>Later</source>
      <translation>稍后</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="335" />
      <source>callback</source>
      <translation>回访</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="337" />
      <source>OVERRIDE:</source>
      <translation>越权：</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="347" />
      <source>SLA due</source>
      <translation>答复期限</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="370" />
      <source>Contact</source>
      <translation>联系记录</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="371" />
      <source>Promise</source>
      <translation>承诺还款</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="372" />
      <source>Payment</source>
      <translation>还款</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="374" />
      <source>Visit</source>
      <translation>外访</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="375" />
      <source>Plan agreed</source>
      <translation>已达成计划</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="376" />
      <source>Complaint</source>
      <translation>投诉</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="377" />
      <source>Dispute</source>
      <translation>争议</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="378" />
      <source>Satisfaction</source>
      <translation>满意度</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="379" />
      <source>Flag</source>
      <translation>标记</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="380" />
      <source>Message</source>
      <translation>消息</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="381" />
      <source>Void</source>
      <translation>作废</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="406" />
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="406" />
      <location filename="../../ui/models.py" line="502" />
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="406" />
      <source>What happened</source>
      <translation>发生了什么</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="406" />
      <source>By</source>
      <translation>记录人</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="502" />
      <location filename="../../ui/views/outcome.py" line="171" />
      <source>Channel</source>
      <translation>渠道</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="502" />
      <source>Number / address</source>
      <translation>号码 / 地址</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="502" />
      <source>Consent</source>
      <translation>同意联系</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="502" />
      <source>Opted out</source>
      <translation>已退订</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="161" />
      <location filename="../../ui/models.py" line="528" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs/capture.py" line="163" />
      <location filename="../../ui/models.py" line="528" />
      <source>E-mail</source>
      <translation>邮件</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="531" />
      <source>Mobile</source>
      <translation>手机</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="531" />
      <source>Home</source>
      <translation>住宅</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="531" />
      <source>Work</source>
      <translation>单位</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="588" />
      <source>No.</source>
      <translation>期数</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="588" />
      <source>Due</source>
      <translation>到期日</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="588" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="622" />
      <source>What</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="622" />
      <source>Why</source>
      <translation>原因</translation>
    </message>
    <message>
      <location filename="../../ui/models.py" line="622" />
      <source>What you can do</source>
      <translation>可采取的操作</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="32" />
      <source>Open the needs-attention list</source>
      <translation>打开待处理列表</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="36" />
      <location filename="../../ui/sync_panel.py" line="90" />
      <source>Sync progress</source>
      <translation>同步进度</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="45" />
      <location filename="../../ui/sync_panel.py" line="104" />
      <source>Offline — sync not set up</source>
      <translation>离线——尚未设置同步</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="48" />
      <location filename="../../ui/sync_panel.py" line="106" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="48" />
      <location filename="../../ui/sync_panel.py" line="106" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="52" />
      <location filename="../../ui/sync_panel.py" line="114" />
      <source>%1 waiting to upload</source>
      <translation>%1 项待上传</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="56" />
      <location filename="../../ui/sync_panel.py" line="110" />
      <source>never</source>
      <translation>从未</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="58" />
      <location filename="../../ui/sync_panel.py" line="116" />
      <source>Last sync: %1</source>
      <translation>上次同步：%1</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="59" />
      <source>%1 need attention</source>
      <translation>%1 项待处理</translation>
    </message>
    <message>
      <location filename="../../ui/sync_panel.py" line="81" />
      <source>Nothing needs your attention. Sync problems and rejected changes appear here.</source>
      <translation>暂无待处理事项。同步问题和被拒绝的更改会显示在这里。</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="94" />
      <location filename="../../ui/views/account.py" line="138" />
      <source>Timeline</source>
      <translation>时间线</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="103" />
      <location filename="../../ui/views/account.py" line="139" />
      <source>Contacts</source>
      <translation>联系方式</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="109" />
      <source>Add phone</source>
      <translation>添加电话</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="110" />
      <source>Add e-mail</source>
      <translation>添加邮箱</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="111" />
      <source>Save contacts</source>
      <translation>保存联系方式</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="131" />
      <source>Other accounts of this customer</source>
      <translation>该客户的其他账户</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="133" />
      <location filename="../../ui/views/account.py" line="220" />
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="133" />
      <location filename="../../ui/views/account.py" line="235" />
      <source>Past due</source>
      <translation>逾期金额</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="133" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="140" />
      <source>Other accounts</source>
      <translation>其他账户</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="142" />
      <source>Select an account in the queue.</source>
      <translation>请在队列中选择一个账户。</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="183" />
      <source>Customer time %1 (%2) · your time %3</source>
      <translation>客户当地时间 %1（%2）· 您的时间 %3</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="217" />
      <source>Account</source>
      <translation>账户</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="218" />
      <source>ID</source>
      <translation>证件号</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="219" />
      <source>Jurisdiction</source>
      <translation>司法辖区</translation>
    </message>
    <message>
      <location filename="../../ui/views/account.py" line="235" />
      <source>Score</source>
      <translation>评分</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="91" />
      <source>today</source>
      <translation>今天</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="93" />
      <source>tomorrow</source>
      <translation>明天</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="97" />
      <source>allowed from %1 %2 customer time</source>
      <translation>客户当地时间 %1 %2 起可联系</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="165" />
      <source>Verdict</source>
      <translation>判定</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="176" />
      <source>Number or address used</source>
      <translation>使用的号码或地址</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="181" />
      <source>Call this number</source>
      <translation>拨打此号码</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="182" />
      <source>Call this number (Ctrl+D)</source>
      <translation>拨打此号码（Ctrl+D）</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="191" />
      <source>Outcome: type to search, or press 1–9</source>
      <translation>通话结果：输入搜索，或按 1–9</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="192" />
      <source>Search outcomes</source>
      <translation>搜索通话结果</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="195" />
      <location filename="../../ui/views/outcome.py" line="516" />
      <source>Outcome</source>
      <translation>通话结果</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="233" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="237" />
      <source>Why you contact despite the block (audited)</source>
      <translation>在禁止联系时仍联系的原因（将被审计）</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="239" />
      <source>Promise &amp;amount</source>
      <translation>承诺金额(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="240" />
      <source>Promise &amp;date</source>
      <translation>承诺日期(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="241" />
      <source>Call&amp;back at (customer time)</source>
      <translation>预约回访时间(&amp;B)（客户当地时间）</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="242" />
      <source>Amount &amp;paid</source>
      <translation>已付金额(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="243" />
      <source>Settlement a&amp;mount</source>
      <translation>和解金额(&amp;M)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="244" />
      <source>Dispute &amp;reason</source>
      <translation>争议原因(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="245" />
      <source>Complaint &amp;category</source>
      <translation>投诉类别(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="246" />
      <source>&amp;Hardship details</source>
      <translation>经济困难详情(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="247" />
      <source>&amp;Notes</source>
      <translation>备注(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="248" />
      <source>&amp;Override reason</source>
      <translation>越权原因(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="263" />
      <source>Save outcome (Ctrl+Enter)</source>
      <translation>保存通话结果（Ctrl+Enter）</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="270" />
      <location filename="../../ui/views/outcome.py" line="290" />
      <source>Call guide</source>
      <translation>通话指引</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="275" />
      <source>May I contact now?</source>
      <translation>现在可以联系吗？</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="311" />
      <source>(opted out)</source>
      <translation>（已退订）</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="356" />
      <source>In the customer’s language</source>
      <translation>使用客户的语言</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="356" />
      <source>Opening</source>
      <translation>开场白</translation>
    </message>
    <message>
      <location filename="../../ui/views/outcome.py" line="356" />
      <source>Required disclosures</source>
      <translation>必须告知的内容</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="31" />
      <source>Queue filter tabs</source>
      <translation>队列筛选标签</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="38" />
      <source>Filter by name, account or jurisdiction (Ctrl+F)</source>
      <translation>按姓名、账户或辖区筛选（Ctrl+F）</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="39" />
      <source>Filter queue</source>
      <translation>筛选队列</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="45" />
      <source>Work queue</source>
      <translation>工作队列</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="73" />
      <source>Why this account is here</source>
      <translation>此账户在队列中的原因</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="109" />
      <source>%1 accounts shown</source>
      <translation>显示 %1 个账户</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="126" />
      <source>Why now:</source>
      <translation>当前原因：</translation>
    </message>
    <message>
      <location filename="../../ui/views/queue.py" line="130" />
      <source>Suggested:</source>
      <translation>建议：</translation>
    </message>
    <message>
      <source>%1 agreements. Enter or double-click opens one to print or save.</source>
      <translation>共 %1 份协议。按回车或双击打开，可打印或另存。</translation>
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
      <source>Agreement</source>
      <translation>协议</translation>
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
      <source>Credit card</source>
      <translation>信用卡</translation>
    </message>
    <message>
      <source>Current (not overdue)</source>
      <translation>正常（未逾期）</translation>
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
      <source>Open agreement…</source>
      <translation>打开协议…</translation>
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
      <source>broken</source>
      <translation>已违约</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>已取消</translation>
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
  </context>
</TS>
