// Words selected in the page text fill the "add a missed person or place" form: the
// words, and their character offsets in the page text (each piece of text on the page
// carries its offset in data-at). Typing the words instead works without this script.
(function () {
  "use strict";
  var form = document.getElementById("add-fact");
  var blocks = document.querySelector(".text-blocks");
  if (!form || !blocks) return;
  var words = document.getElementById("add-words");
  var start = document.getElementById("add-start");
  var end = document.getElementById("add-end");
  var occurrence = document.getElementById("add-occurrence");

  function offsetOf(node, at) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var piece = element && element.closest("[data-at]");
    if (!piece || !blocks.contains(piece)) return null;
    if (node.nodeType !== Node.TEXT_NODE) {
      return Number(piece.dataset.at) + (at > 0 ? piece.textContent.length : 0);
    }
    var before = 0;
    var walker = document.createTreeWalker(piece, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (walker.currentNode === node) return Number(piece.dataset.at) + before + at;
      before += walker.currentNode.length;
    }
    return null;
  }

  document.addEventListener("selectionchange", function () {
    var selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    var from = offsetOf(range.startContainer, range.startOffset);
    var to = offsetOf(range.endContainer, range.endOffset);
    if (from === null || to === null || to <= from) return;
    var text = selection.toString().replace(/\s+/g, " ").trim();
    if (!text || text.length > 200) return;
    words.value = text;
    start.value = String(from);
    end.value = String(to);
    occurrence.value = "1";
  });

  words.addEventListener("input", function () {
    // Typed words are looked up on the page; a stale selection must not override them.
    start.value = "";
    end.value = "";
  });
})();
