/**
 * The widget's stylesheet, scoped by its shadow root: the page's CSS cannot reach in, and this cannot leak out.
 * `--accent` is set on the host from data-color (already darkened to 4.5:1 against white).
 */
export const css = `
:host{all:initial}
*{box-sizing:border-box}
[hidden]{display:none!important}
.w{--accent:#0b5394;--fg:#1b1f24;--muted:#4a5560;--line:#6b7680;--soft:#eef1f4;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg)}
button,input,select{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;align-items:center;gap:8px;min-height:48px;padding:10px 18px;border:0;border-radius:24px;background:var(--accent);color:#fff;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg,.icon-btn svg{width:22px;height:22px;fill:currentColor}
.panel{position:fixed;right:16px;bottom:80px;z-index:2147483001;display:flex;flex-direction:column;width:380px;max-width:calc(100vw - 32px);height:620px;max-height:calc(100vh - 100px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;animation:rise .18s ease-out}
@keyframes rise{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}
header{display:flex;align-items:center;gap:8px;padding:10px 8px 10px 16px;background:var(--accent);color:#fff}
h2{flex:1;margin:0;font-size:17px;line-height:1.3}
.icon-btn{display:grid;place-items:center;width:44px;height:44px;border:0;border-radius:8px;background:transparent;color:inherit}
header :focus-visible{outline-color:#fff;outline-offset:-4px}
[role=tablist]{display:flex;border-bottom:1px solid var(--line)}
[role=tab]{flex:1;min-height:44px;padding:8px;border:0;border-bottom:3px solid transparent;background:#fff;color:var(--muted);font-weight:600}
[role=tab][aria-selected=true]{color:var(--accent);border-bottom-color:var(--accent)}
[role=tabpanel]{display:flex;flex:1;flex-direction:column;min-height:0}
.status{margin:0;padding:6px 12px;background:#fff4d6;color:#5c4200;font-size:14px}
.log{flex:1;margin:0;padding:12px;overflow-y:auto;list-style:none;overscroll-behavior:contain}
.msg{display:flex;flex-direction:column;max-width:88%;margin:0 0 10px}
.msg .b{padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.bot{align-items:flex-start}
.bot .b{background:var(--soft);border-top-left-radius:4px}
.user{align-items:flex-end;margin-left:auto}
.user .b{background:var(--accent);color:#fff;border-top-right-radius:4px}
.meta{margin-top:2px;font-size:13px;color:var(--muted)}
.meta button{margin-left:6px;padding:0;border:0;background:none;color:var(--accent);text-decoration:underline}
progress{display:block;width:100%;height:8px;margin:0 0 6px;accent-color:var(--accent)}
.links{margin:6px 0 0;padding:0 0 0 18px}
a{color:var(--accent)}
.typing{padding:0 12px 8px;color:var(--muted);font-size:14px}
.typing i{display:inline-block;width:6px;height:6px;margin-right:3px;border-radius:50%;background:var(--muted);animation:blink 1.2s infinite}
.typing i:nth-child(2){animation-delay:.2s}
.typing i:nth-child(3){animation-delay:.4s;margin-right:8px}
@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
.quick{display:flex;flex-wrap:wrap;gap:6px;padding:0 12px 8px}
.quick button{min-height:40px;padding:6px 12px;border:1px solid var(--accent);border-radius:20px;background:#fff;color:var(--accent)}
form{display:grid;grid-template-columns:1fr auto;gap:4px 8px;padding:8px 12px;border-top:1px solid var(--line)}
label{grid-column:1/-1;font-size:14px;font-weight:600}
input,select{min-width:0;min-height:44px;padding:8px 10px;border:1px solid var(--line);border-radius:8px;background:#fff}
.send{min-width:64px;border:0;border-radius:8px;background:var(--accent);color:#fff;font-weight:600}
.foot{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:0 12px 10px;font-size:14px}
.link-btn{min-height:32px;padding:0;border:0;background:none;color:var(--accent);text-decoration:underline}
.foot .danger{padding:4px 12px;border:0;border-radius:6px;background:#b3261e;color:#fff}
.foot .plain{padding:4px 12px;border:1px solid var(--line);border-radius:6px;background:#fff}
.news{padding:12px;overflow-y:auto}
.news label{display:block;margin-bottom:4px}
.news select{width:100%}
.news ul{margin:12px 0 0;padding:0;list-style:none}
.news li{margin:0 0 12px;padding:10px 12px;border:1px solid var(--line);border-radius:8px}
.news h3{margin:0 0 4px;font-size:16px}
.news p{margin:4px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.news time,.news .empty{color:var(--muted);font-size:14px}
.badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:8px;background:#b3261e;color:#fff;font-size:13px}
@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}}
@media (prefers-reduced-motion:reduce){.panel,.typing i{animation:none}}
`;
