// Measures what a reader of a docs site page sees, for scripts/check-docs-browser.py: it is
// appended to a scratch copy of each lesson page, runs in headless Chromium once the page
// and its fonts have loaded, and leaves its findings as JSON in #probe-result.
(function () {
  "use strict";
  const BLOCKS = /[\u2580-\u259F]+/gu;
  const EMOJI = /\p{Extended_Pictographic}/gu;

  // The page's own text: the lesson's text block (the table of contents is beside it).
  function textblock() {
    return document.querySelector("div.contents div.textblock") ||
           document.querySelector("div.contents");
  }

  // The prose a reader sees, code left out: where unrendered Markdown would show.
  function proseText(root) {
    const copy = root.cloneNode(true);
    copy.querySelectorAll("code, pre, div.fragment, script, style, div.weave-source")
        .forEach((e) => e.remove());
    const holder = document.createElement("div");
    holder.style.cssText = "position:absolute; left:-99999px; width:60em";
    holder.appendChild(copy);
    document.body.appendChild(holder);
    const text = copy.innerText;
    holder.remove();
    return text;
  }

  function width(node, start, end) {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return range.getBoundingClientRect().width;
  }

  // The width of one character of @p element's font, from ten zeros set in it.
  function cellWidth(element) {
    const zeros = document.createElement("span");
    zeros.textContent = "0000000000";
    element.appendChild(zeros);
    const cell = zeros.getBoundingClientRect().width / 10;
    zeros.remove();
    return cell;
  }

  // Each run of block elements (progress bars) in code must be as wide as that many
  // characters of the code font: a font without them falls back to a narrower one.
  function blockRuns(root) {
    const found = [];
    root.querySelectorAll("div.fragment div.line, code").forEach((line) => {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        for (const m of text.matchAll(BLOCKS)) {
          const cell = cellWidth(node.parentElement);
          found.push({line: line.textContent.trim().slice(0, 80), count: [...m[0]].length,
                      width: width(node, m.index, m.index + m[0].length), cell: cell});
        }
      }
    });
    return found;
  }

  // Each emoji drawn with the font of the element around it must come out in colour: a
  // missing glyph draws as a grey box (tofu) or nothing.
  function emojis(root) {
    const found = [];
    const seen = new Set();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(EMOJI)) {
        const style = getComputedStyle(node.parentElement);
        const key = m[0] + style.fontFamily;
        if (seen.has(key)) continue;
        seen.add(key);
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 64;
        const ctx = canvas.getContext("2d");
        ctx.font = "40px " + style.fontFamily;
        ctx.textBaseline = "top";
        ctx.fillStyle = "#000";
        ctx.fillText(m[0], 4, 4);
        const px = ctx.getImageData(0, 0, 64, 64).data;
        let coloured = 0;
        for (let i = 0; i < px.length; i += 4) {
          const spread = Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]);
          if (px[i + 3] > 0 && spread > 40) coloured++;
        }
        found.push({emoji: m[0], font: style.fontFamily, coloured: coloured});
      }
    }
    return found;
  }

  function images(root) {
    return [...root.querySelectorAll("img, object, div.dotgraph iframe")].map((e) => ({
      tag: e.tagName.toLowerCase(),
      src: e.getAttribute("src") || e.getAttribute("data") || "",  // iframe: a Graphviz diagram
      loaded: e.tagName === "IMG" ? e.complete && e.naturalWidth > 0 : true,
      height: e.getBoundingClientRect().height,
    }));
  }

  function links(selector) {
    return [...document.querySelectorAll(selector)].map((a) => ({
      text: a.textContent.trim(), href: a.getAttribute("href") || "",
      part: a.closest("span") ? a.closest("span").className : ""}));
  }

  function report(result) {
    const out = document.createElement("script");
    out.type = "application/json";
    out.id = "probe-result";
    out.textContent = JSON.stringify(result).replace(/</g, "\\u003c");
    document.body.appendChild(out);
  }

  function probe() {
    const root = textblock();
    const content = document.getElementById("doc-content") || document.body;
    const result = {
      title: (document.querySelector("div.header div.title") || {}).textContent || "",
      prose: root ? proseText(root) : "",
      codes: root ? [...root.querySelectorAll("code")].map((c) => c.textContent) : [],
      fragments: root ? [...root.querySelectorAll("div.fragment")].map(
          (f) => [...f.querySelectorAll("div.line")].map((l) => l.textContent)) : [],
      headings: [...document.querySelectorAll(
          "div.header div.title, div.textblock h1, div.textblock h2, div.textblock h3, " +
          "div.textblock h4")].map((h) => h.textContent.trim()),
      images: root ? images(root) : [],
      navTop: links("div.course-nav-top a"),
      navBottom: links("div.course-nav-bottom a"),
      labCard: links("div.course-lab a"),
      blocks: root ? blockRuns(root) : [],
      emojis: root ? emojis(root) : [],
      searchBox: !!document.getElementById("MSearchField") && typeof searchBox !== "undefined",
      fonts: {
        prose: root && root.querySelector("p") ? getComputedStyle(root.querySelector("p")).fontFamily : "",
        code: root && root.querySelector("div.fragment") ?
            getComputedStyle(root.querySelector("div.fragment div.line")).fontFamily : "",
      },
      height: Math.max(content.scrollHeight, document.body.scrollHeight),
      textWidth: root ? root.getBoundingClientRect().width : 0,
    };
    // The search box answers: typing a word opens the results window.
    if (result.searchBox) {
      const field = document.getElementById("MSearchField");
      field.value = "spawn";
      try {
        searchBox.OnSearchFieldChange({keyCode: 0});
        searchBox.Search();
      } catch (e) {
        result.searchError = String(e);
      }
      setTimeout(() => {
        const win = document.getElementById("MSearchResultsWindow");
        result.searchOpens = !!win && getComputedStyle(win).display !== "none";
        report(result);
      }, 1000);
    } else {
      report(result);
    }
  }

  window.addEventListener("load", () => {
    document.fonts.ready.then(() => setTimeout(probe, 500));
  });
})();
