"""A small piano keyboard over the notes the models learned (C3 to C6): a click on a key picks its
pitch (Instrument notes) or adds it to the tune (Melody). All in the browser: a key costs the server
nothing, and the pitch box or tune box it fills stays what the button sends."""
import gradio as gr

from .. import studio

WHITE_W, BLACK_W = 14, 9           # key widths in px: 22 white keys fit a 320-px column

CSS = """
.piano { position: relative; height: 74px; margin-top: 28px; user-select: none; }
.piano button { position: absolute; top: 0; padding: 0; border: 1px solid #555; border-radius: 0 0 4px 4px;
                cursor: pointer; font-size: 9px; display: flex; align-items: flex-end; justify-content: center; }
.piano .white { width: %dpx; height: 72px; background: #fff; color: #444; z-index: 1; }
.piano .black { width: %dpx; height: 44px; background: #222; color: #ddd; z-index: 2; }
.piano button.on { background: #f97316; color: #fff; }
.piano button:hover { filter: brightness(0.85); }
""" % (WHITE_W, BLACK_W)

# a click sets the component's value to the key's note and says so; the key shown pressed follows the value
JS = """
element.addEventListener('click', (event) => {
  const key = event.target.closest('button[data-note]');
  if (!key) return;
  props.value = key.dataset.note;
  trigger('change');
});
"""


def keys() -> str:
    """The keyboard's buttons, laid out as a piano's: black keys between and above the white ones."""
    html, x = [], 0
    for note in studio.notes.pitches():
        black = "#" in note
        left = x - BLACK_W // 2 if black else x
        label = note if note.startswith("C") and not black else ""
        kind = "black" if black else "white"
        html.append(f'<button class="{kind}${{value === "{note}" ? " on" : ""}}" data-note="{note}" '
                    f'title="{note}" style="left:{left}px">{label}</button>')
        x += 0 if black else WHITE_W
    return f'<div class="piano" style="width:{x}px">{"".join(html)}</div>'


def keyboard(value: str = "", label: str = "Keyboard") -> gr.HTML:
    """A keyboard whose value is the last key pressed (a note name such as 'C#4')."""
    return gr.HTML(value, html_template=keys(), css_template=CSS, js_on_load=JS, label=label, show_label=True,
                   container=True)


def picks_pitch(board: gr.HTML, pitch: gr.Dropdown):
    """A key sets the pitch box; a pitch typed or picked shows on the keyboard."""
    board.change(None, board, pitch, js="(note) => note", api_visibility="private", queue=False)
    pitch.change(None, pitch, board, js="(note) => note", api_visibility="private", queue=False)


def adds_to_tune(board: gr.HTML, tune: gr.Textbox):
    """A key adds its note (one beat) to the end of the tune."""
    board.change(None, [board, tune], tune, api_visibility="private", queue=False,
                 js="(note, tune) => (tune.trim() ? tune.trim() + ' ' : '') + note")
