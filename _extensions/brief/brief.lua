-- {{< brief NAME >}}: the generated fragment report/_generated/NAME.md, read at filter time.
--
-- Quarto expands {{< include >}} while it builds the project context, before the pre-render
-- step has written the fragments, so a fresh clone could not render (quarto-cli issue 12491).
-- A shortcode runs at render time, after pre-render: the fragment this brief's `brief run` and
-- `brief fragments` just wrote is the one read. The text is parsed as Pandoc Markdown without
-- raw HTML or raw TeX (only explicit ```{=html} blocks written by the report code pass), and
-- shortcodes inside it are not expanded: text that came from a params or data file stays text.
-- A fragment that does not exist stops the render with one line saying what to run.

local GENERATED = "report/_generated"
local FORMAT = "markdown-raw_html-raw_tex"

local function fail(message)
  io.stderr:write("ERROR: " .. message .. "\n")
  os.exit(1)
end

local function fragment(name)
  if not name:match("^[%w][%w/_-]*$") or name:match("%.%.") then
    fail("{{< brief " .. name .. " >}}: expected a fragment name such as summary or claims")
  end
  local rel = GENERATED .. "/" .. name .. ".md"
  local path = pandoc.path.join({ quarto.project.directory or ".", rel })
  local f = io.open(path, "r")
  if f == nil then
    fail(rel .. " is missing: the brief has not been computed. Run `quarto render` (its "
      .. "pre-render runs the compute stage first) or `brief run` then `brief fragments`; "
      .. "`make setup` creates the environment they need.")
  end
  local text = f:read("a")
  f:close()
  return text
end

-- Conditional content inside a fragment (.content-visible / .content-hidden with when-format or
-- unless-format), resolved here for the format being rendered: Quarto resolves it in the page's
-- own text, but a fragment is parsed after that.
local function shown(el)
  local when, unless = el.attributes["when-format"], el.attributes["unless-format"]
  local visible
  if el.classes:includes("content-visible") then
    visible = true
  elseif el.classes:includes("content-hidden") then
    visible = false
  else
    return nil
  end
  if when ~= nil then
    return quarto.doc.is_format(when) == visible
  elseif unless ~= nil then
    return quarto.doc.is_format(unless) ~= visible
  end
  return visible
end

local conditional = {
  Div = function(el)
    local keep = shown(el)
    if keep == nil then return nil end
    return keep and el.content or {}
  end,
  Span = function(el)
    local keep = shown(el)
    if keep == nil then return nil end
    return keep and el.content or {}
  end,
}

return {
  ["brief"] = function(args)
    if #args ~= 1 then
      fail("{{< brief >}} takes one fragment name, e.g. {{< brief summary >}}")
    end
    local doc = pandoc.read(fragment(pandoc.utils.stringify(args[1])), FORMAT)
    return doc:walk(conditional).blocks
  end,
}
