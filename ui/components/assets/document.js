// The transcript as a document: one row per line (line number, coding stripes, speaker with
// group and time, the whole utterance wrapped, code chips). User text is only ever set with
// textContent or title, never parsed as HTML. A click picks a line, a shift-click extends the
// selection from the anchor; with the document focused, arrow keys (or j/k) move and
// Shift+arrows extend, Escape keeps only the current line. The current line is scrolled into
// view inside the document whenever it changes.
const STATE = new WeakMap();

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
  return node;
}

function chip(code, cls, extra) {
  const node = el("span", cls);
  node.style.setProperty("--c", code[2]);
  node.style.setProperty("--fg", code[3]);
  node.appendChild(el("span", "name", code[0]));
  if (extra) node.appendChild(el("span", "who", extra));
  node.title = extra ? `${code[1]} · ${extra}` : code[1];
  return node;
}

function signature(data, i) {
  return JSON.stringify([data.lines[i], data.mine[i] || null, data.others[i] || null,
    (data.memos || []).includes(i), data.stripes]);
}

function buildRow(data, i) {
  const [id, line, speaker, group, time, text, kind] = data.lines[i];
  const row = el("div", "ln" + (kind ? " " + kind : ""));
  row.dataset.i = String(i);
  row.dataset.line = String(line);
  row.dataset.id = id;
  row.appendChild(el("div", "no", line));
  const stripes = el("div", "stripes");
  const mine = data.mine[i] || [];
  for (const codeId of data.stripes) {
    const slot = el("span", "slot");
    if (mine.includes(codeId)) {
      const code = data.codes[codeId];
      slot.classList.add("on");
      slot.style.background = code[2];
      slot.title = code[1];
    }
    stripes.appendChild(slot);
  }
  row.appendChild(stripes);
  const who = el("div", "who");
  who.appendChild(el("span", "sp", speaker));
  if (group) who.appendChild(el("span", "grp", group));
  if (time) who.appendChild(el("span", "tm", time));
  row.appendChild(who);
  const body = el("div", "body");
  body.appendChild(el("div", "tx", text));
  const others = data.others[i] || [];
  const hasMemo = (data.memos || []).includes(i);
  if (mine.length || others.length || hasMemo) {
    const chips = el("div", "chips");
    for (const codeId of mine) chips.appendChild(chip(data.codes[codeId], "chip mine"));
    for (const [codeId, initials] of others) chips.appendChild(chip(data.codes[codeId], "chip other", initials));
    if (hasMemo) {
      const memo = el("span", "memo", "✎");
      memo.title = data.labels.memo;
      chips.appendChild(memo);
    }
    body.appendChild(chips);
  }
  row.appendChild(body);
  return row;
}

function mark(state) {
  const { rows, data } = state;
  const [a, b] = state.sel;
  for (const i of state.marked) {
    const row = rows[i];
    if (row) row.classList.remove("cur", "sel", "first", "last");
  }
  state.marked = [];
  for (let i = a; i <= b; i++) {
    const row = rows[i];
    if (!row) continue;
    row.classList.add("sel");
    if (i === a) row.classList.add("first");
    if (i === b) row.classList.add("last");
    state.marked.push(i);
  }
  const current = rows[state.current];
  if (current) {
    current.classList.add("cur");
    state.marked.push(state.current);
  }
  state.status.textContent = b > a
    ? data.labels.range.replace("{first}", data.lines[a][1]).replace("{last}", data.lines[b][1]).replace("{count}", b - a + 1)
    : "";
}

function scrollToCurrent(state, center) {
  const row = state.rows[state.current];
  if (!row) return;
  const box = state.doc;
  const top = row.offsetTop - box.offsetTop;
  const bottom = top + row.offsetHeight;
  if (center || top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
    box.scrollTop = Math.max(0, top - Math.max(0, (box.clientHeight - row.offsetHeight) / 3));
  }
}

function pick(state, i, extend) {
  const n = state.data.lines.length;
  i = Math.max(0, Math.min(n - 1, i));
  const anchor = extend ? state.anchor : i;
  state.anchor = anchor;
  state.current = i;
  state.sel = [Math.min(anchor, i), Math.max(anchor, i)];
  mark(state);  // at once, before the server answers
  scrollToCurrent(state, false);
  state.seq += 1;
  state.send("pick", { i, id: state.data.lines[i][0], anchor: state.data.lines[anchor][0], seq: state.seq });
}

function listen(state) {
  state.doc.addEventListener("click", (event) => {
    const row = event.target.closest(".ln");
    if (!row) return;
    const chosen = window.getSelection && String(window.getSelection());
    if (chosen && !event.shiftKey) return;  // the coder is selecting text to copy
    state.doc.focus({ preventScroll: true });
    pick(state, Number(row.dataset.i), event.shiftKey);
  });
  state.doc.addEventListener("mousedown", (event) => {
    if (event.shiftKey) event.preventDefault();  // no text selection on shift-click
  });
  state.doc.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const step = { ArrowDown: 1, ArrowUp: -1, j: 1, k: -1, J: 1, K: -1, PageDown: 10, PageUp: -10 }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      pick(state, state.current + step, event.shiftKey);
    } else if (event.key === "Escape") {
      event.preventDefault();
      pick(state, state.current, false);
    }
  });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let state = STATE.get(parentElement);
  if (!state) {
    const doc = parentElement.querySelector(".doc");
    const status = parentElement.querySelector(".status");
    state = { doc, status, rows: [], sigs: [], marked: [], seq: 0, data: null, scrollToken: null, transcript: null };
    STATE.set(parentElement, state);
    listen(state);
  }
  state.send = setTriggerValue;
  if (!data || !data.lines) return;
  const fresh = state.transcript !== data.transcript;
  if (fresh) {
    state.doc.replaceChildren();
    state.rows = [];
    state.sigs = [];
    state.marked = [];
    state.transcript = data.transcript;
  }
  state.data = data;
  state.doc.setAttribute("aria-label", data.labels.document);
  const n = data.lines.length;
  for (let i = 0; i < n; i++) {
    const sig = signature(data, i);
    if (state.sigs[i] === sig) continue;
    const row = buildRow(data, i);
    if (state.rows[i]) state.doc.replaceChild(row, state.rows[i]);
    else state.doc.appendChild(row);
    state.rows[i] = row;
    state.sigs[i] = sig;
    state.marked = state.marked.filter((j) => j !== i);
  }
  while (state.rows.length > n) {
    state.rows.pop().remove();
    state.sigs.pop();
  }
  // A picture drawn before the coder's latest click (data.seq behind) keeps the local selection.
  const behind = !fresh && (data.seq || 0) < state.seq;
  const moved = !behind && state.current !== data.current;
  if (!behind) {
    state.seq = Math.max(state.seq, data.seq || 0);
    state.current = data.current;
    state.anchor = data.anchor;
    state.sel = [Math.min(data.anchor, data.current), Math.max(data.anchor, data.current)];
  }
  mark(state);
  const center = fresh || state.scrollToken !== data.scroll;
  state.scrollToken = data.scroll;
  if (center || moved) {
    // after layout: offsets are known once the rows are in the page
    requestAnimationFrame(() => scrollToCurrent(state, center));
  }
}
