-- Verdict badges. The report writes a verdict as [supported]{.verdict .v-supported}; in HTML
-- report/assets/brief.css styles the span, and in Typst this filter turns it into a box.
-- Colours are safe for colour-blind readers (a blue and a vermilion from the Okabe-Ito
-- palette) and the badges differ in lightness and border too, so they read in grey print;
-- the label is always written out.
local STYLES = {
  ["v-supported"] = { fill = "#0b4f8a", ink = "#ffffff", border = "#0b4f8a", dash = "solid" },
  ["v-partly-supported"] = { fill = "#c6dbef", ink = "#0b2a45", border = "#0b4f8a", dash = "solid" },
  ["v-no-evidence-either-way"] = { fill = "#ffffff", ink = "#333333", border = "#555555", dash = "dashed" },
  ["v-not-supported"] = { fill = "#b54600", ink = "#ffffff", border = "#b54600", dash = "solid" },
  ["v-not-testable"] = { fill = "#e6e6e6", ink = "#333333", border = "#888888", dash = "dotted" },
  ["v-depends-on-the-analyst-s-choices"] = { fill = "#fdebc2", ink = "#3f2a00", border = "#9a6200", dash = "dash-dotted" },
  ["v-not-computed-in-this-build"] = { fill = "#ffffff", ink = "#666666", border = "#aaaaaa", dash = "dotted" },
}

function Span(el)
  if not quarto.doc.is_format("typst") then
    return nil
  end
  -- "under this brief's choices:" between a published verdict and the brief's own: a line of
  -- its own, smaller (the HTML does the same with report/assets/brief.css)
  if el.classes:includes("own-verdict") then
    local out = pandoc.Inlines({ pandoc.RawInline("typst", "#linebreak()#text(size: 0.8em)[") })
    out:extend(el.content)
    out:insert(pandoc.RawInline("typst", "]#linebreak()"))
    return out
  end
  if not el.classes:includes("verdict") then
    return nil
  end
  local style
  for _, class in ipairs(el.classes) do
    style = STYLES[class] or style
  end
  if style == nil then
    return nil
  end
  local open = string.format(
    '#box(fill: rgb("%s"), stroke: (paint: rgb("%s"), thickness: 0.7pt, dash: "%s"), '
      .. 'inset: (x: 3pt, y: 1.5pt), outset: (y: 1pt), radius: 2pt)'
      .. '[#text(fill: rgb("%s"), weight: "bold", size: 0.85em)[',
    style.fill, style.border, style.dash, style.ink
  )
  local out = pandoc.Inlines({ pandoc.RawInline("typst", open) })
  out:extend(el.content)
  out:insert(pandoc.RawInline("typst", "]]"))
  return out
end
