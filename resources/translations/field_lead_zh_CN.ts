<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>FieldLead</name>
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
      <source>Last outcome</source>
      <translation>最近结果</translation>
    </message>
    <message>
      <source>Visit window</source>
      <translation>可外访时段</translation>
    </message>
    <message>
      <source>Visiting hours, customer's local time (now %1)</source>
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
      <source>Sync state</source>
      <translation>同步状态</translation>
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
      <source>Visiting hours %1 · customer's time now %2</source>
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
      <source>Today's visits</source>
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
      <source>Today: %1 visits in %2 areas · about %3 km · %4 done</source>
      <translation>今日：%1 户，%2 个区域 · 约 %3 公里 · 已完成 %4 户</translation>
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
      <source>Online / last sync</source>
      <translation>在线 / 最近同步</translation>
    </message>
    <message>
      <source>Waiting to upload</source>
      <translation>待上传</translation>
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
      <source>Owner now</source>
      <translation>当前负责人</translation>
    </message>
    <message>
      <source>Attempts</source>
      <translation>联系次数</translation>
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
      <source>The server could not say what would move.</source>
      <translation>服务器无法确认将调配哪些账户。</translation>
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
      <source>Replace the kept value with the one the collector's device had</source>
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
      <source>the team's accounts of this customer</source>
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
      <source>Refresh (F5)</source>
      <translation>刷新（F5）</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Acknowledge</source>
      <translation>确认已阅</translation>
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
      <source>Nothing was changed: %1</source>
      <translation>未做任何更改：%1</translation>
    </message>
  </context>
</TS>
