"""The "Watch it train" tab: a tiny GAN, VAE or RBM (or all three side by side) learns a 2-D toy distribution
on the server's CPU while the student watches the samples move and the loss curve grow, and, with the
overlays on, what each family does inside. Each browser keeps only a run id."""
import gradio as gr
import pandas as pd

from ..studio import toy
from .common import download_file, progress_callback, speaks_errors, worked_example_later
from .gradio_fixes import Number, Slider
from . import timelapse
from .links import keys_of, lesson_link

NOTICE = """**What to notice.** Grey dots are the data; coloured dots are 512 samples of the model; a circle
is green when its mode holds enough good samples (within 3 standard deviations), red when the model
misses it. Watch a vanilla GAN chase the modes: its samples bunch up on a few, the discriminator
learns to reject them, and the bunch moves on. PacGAN changes one thing: its discriminator judges
two samples at a time, so a generator that repeats itself is caught. The VAE's samples (its
decoder's means) join the modes with bridges: it cannot leave a gap in its continuous latent space.
The RBM is a mixture of Gaussians, one per pattern of its hidden units.

**The overlays** (GAN Lab's, for all three). *GAN*: the background is what the discriminator believes, green
where it says "real", purple where it says "fake"; the faint sheet is the generator's image of a grid of
latent points, warped onto the data; each short arrow is where the generator's loss pushes a fake point
(train **D only** and watch the background change, then **G only** and watch the arrows move the points;
with the *minimax* loss the arrows vanish where D is sure). *VAE*: the sheet is the decoder's image of the
prior's grid; the inset is the latent plane, each ellipse a numbered data point's posterior; slide **beta**
up to 3 while it trains and watch the ellipses swell to the prior's circle and the sheet shrink (posterior
collapse), then back to 1. *RBM*: the orange glow is its density exp(-F), the crosses its persistent chains
(the negative phase: where it thinks data is), the red line one Gibbs chain sweep by sweep. Switch its negative phase to *CD-1* on the 5x5 grid: its
negative samples never leave the data, so glow it invents between the modes is never unlearned (spurious
modes); its phase gap (the size of W's gradient) falls fast, since samples one sweep from the data look like
the data, while PCD's keeps telling the model where it is wrong."""

PREDICT = """**Predict, then reveal.** The tab opens on *vanilla GAN vs PacGAN* on the ring after 2,000 steps.
Which curve, D loss or G loss, would have told you which one covers more modes? Before you press Start on
the 5x5 grid: which will cover all 25 modes by step 2,000? Then try a larger learning rate."""

EXAMPLE = ("**What Start gives for these settings, trained as the server started** (press it to watch: the same seed "
           "gives the same frames). ")

REVEAL = """The loss curves do not tell you: a GAN's losses measure a game, not the quality of its samples,
and both curves look alike whether the generator covers every mode or one. The picture and the
"modes covered" count tell you. Measure, don't trust the loss."""


def _curve(frame: toy.ToyFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.rows, columns=["step", "loss", "series"])


def _outputs(frame: toy.ToyFrame):
    # the legend names this run's series: a LinePlot given new data alone keeps the last run's (Gradio 6.31)
    curve = _curve(frame)
    legend = gr.LinePlot(curve, colors_in_legend=list(dict.fromkeys(curve["series"])))
    return frame.picture, legend, frame.caption, frame.run_id


def _inside(loss, optimizer, width, overlays, sampler, g_lr_scale, depth) -> dict:
    """The settings of what each family does inside, by name, as the studio takes them (studio.toy.check_settings)."""
    return dict(loss=loss, optimizer=optimizer, width=width, overlays=overlays, sampler=sampler,
                g_lr_scale=g_lr_scale, depth=depth)


@speaks_errors
def start(family, data, lr, steps, seed, every, points, run_id, loss="bce", optimizer="adam", width=64,
          overlays=False, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2, progress=gr.Progress()):
    for frame in toy.train_toy(family, data, lr, steps, seed, every, points, run_id,
                               progress_callback(progress, "Training"), beta,
                               **_inside(loss, optimizer, width, overlays, sampler, g_lr_scale, depth)):
        yield _outputs(frame)


def stepper(phase: str):
    """Step, Step D only, Step G only: one press trains `every` steps of that phase."""
    @speaks_errors
    def step(family, data, lr, seed, every, points, run_id, loss="bce", optimizer="adam", width=64,
             overlays=False, beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2, progress=gr.Progress()):
        for frame in toy.step_toy(run_id, every, every, family, data, lr, seed, points, None, phase, beta,
                                  **_inside(loss, optimizer, width, overlays, sampler, g_lr_scale, depth)):
            yield _outputs(frame)
    return step


@speaks_errors
def add_point(points, evt: gr.SelectData):
    x, y = toy.canvas_point(*evt.index)
    points = f"{points.strip().rstrip(';')}; {x}, {y}".lstrip("; ") if points and points.strip() else f"{x}, {y}"
    return points, toy.points_picture(points)


def whole_run(family, data, lr, steps, seed, every, points, loss="bce", optimizer="adam", width=64, overlays=False,
              beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2):
    """What Start ends on for these settings (the picture, the loss curve, the caption), and the GIF of its
    frames that the GIF button makes."""
    frames = toy.run_to_end(family, data, lr, steps, seed, every, points, beta,
                            **_inside(loss, optimizer, width, overlays, sampler, g_lr_scale, depth))
    picture, curve, caption = frames[-1].picture, _curve(frames[-1]), frames[-1].caption   # the page's first plot
    return picture, curve, EXAMPLE + caption, _gif_file(frames, family, data, seed)


def _gif_file(frames, family, data, seed) -> str:
    return download_file(toy.gif([f.picture for f in frames]), f"toy-{family}-{data}-{seed}.gif")


@speaks_errors
def gif_of_run(family, data, lr, steps, seed, every, points, loss="bce", optimizer="adam", width=64, overlays=False,
               beta=1.0, sampler="pcd", g_lr_scale=1.0, depth=2):
    return _gif_file(toy.run_to_end(family, data, lr, steps, seed, every, points, beta,
                                    **_inside(loss, optimizer, width, overlays, sampler, g_lr_scale, depth)),
                     family, data, seed)


def build():
    with gr.Tab("Watch it train", id="toy"):
        run_id = gr.State(None)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                family = gr.Dropdown([(v, k) for k, v in toy.FAMILIES.items()], value="gan-vs-pacgan", label="Model")
                data = gr.Radio([(v, k) for k, v in toy.DATA.items()], value="ring", label="Data")
                with gr.Accordion("My points", open=False):
                    points = gr.Textbox("-3, 3; 0, 3; 3, 3; -3, -3; 3, -3", label="Points (x, y; x, y; ...)",
                                        info="Between -4.5 and 4.5; or click the canvas below")
                    canvas = gr.Image(toy.points_picture(points.value), type="pil", format="png",
                                      interactive=False, label="Click to add a point", height=260)
                lr = Number(toy.default_learning_rate("gan-vs-pacgan"), label="Learning rate",
                               minimum=toy.LEARNING_RATES[0], maximum=toy.LEARNING_RATES[1], step=0.0005)
                steps = Slider(100, toy.MAX_STEPS, value=2000, step=100, label="Training steps")
                every = Slider(*toy.EVERY, value=50, step=1, label="Steps per frame (and per Step press)",
                               info="1: slow motion, every step seen")
                seed = Number(0, precision=0, minimum=0, label="Seed")
                overlays = gr.Checkbox(True, label="Overlays: what each family does inside")
                beta = Slider(*toy.BETAS, value=1.0, step=0.1, label="VAE: KL weight beta (changes it while it trains)")
                with gr.Accordion("GAN settings", open=False):
                    loss = gr.Dropdown([(v, k) for k, v in toy.GAN_LOSSES.items()], value="bce", label="GAN loss")
                    optimizer = gr.Radio([(v, k) for k, v in toy.OPTIMIZERS.items()], value="adam",
                                         label="Optimiser (GAN and VAE)")
                    width = Slider(*toy.WIDTHS, value=64, step=4, label="Hidden units of D and G")
                    depth = Slider(*toy.DEPTHS, value=2, step=1, label="Hidden layers of D and G")
                    g_lr_scale = Slider(*toy.G_LR_SCALES, value=1.0, step=0.1,
                                        label="G's learning rate, times D's (the learning rate above)")
                sampler = gr.Radio([(v, k) for k, v in toy.RBM_SAMPLERS.items()], value="pcd",
                                   label="RBM: negative phase")
                with gr.Row():
                    start_button = gr.Button("Start", variant="primary")
                    stop_button = gr.Button("Stop", variant="stop")
                    step_button = gr.Button("Step")
                with gr.Row():
                    step_d_button = gr.Button("Step D only", size="sm")
                    step_g_button = gr.Button("Step G only", size="sm")
                gr.Markdown(NOTICE)
                gr.Markdown(PREDICT)
                with gr.Accordion("Reveal", open=False):
                    gr.Markdown(REVEAL)
            with gr.Column(scale=2):
                picture = gr.Image(label="Samples (colour) and data (grey)", show_label=False, type="pil",
                                   format="png", interactive=False, height=380)
                caption = gr.Markdown()
                curve = gr.LinePlot(x="step", y="loss", color="series", title="Loss, mean over 10 steps", height=260)
                gif_button = gr.Button("Make a GIF of this run (trains it again, same seed)", size="sm")
                gif_file = gr.File(label="GIF", height=80)
        family.change(toy.default_learning_rate, family, lr, api_visibility="private")
        canvas.select(add_point, points, [points, canvas], api_visibility="private")
        points.submit(speaks_errors(toy.points_picture), points, canvas, api_name="toy_points_picture")
        outputs = [picture, curve, caption, run_id]
        inputs = [family, data, lr, steps, seed, every, points]
        inside = [loss, optimizer, width, overlays, beta, sampler, g_lr_scale, depth]
        # Start's run for these settings: 10-15 s in a worker process, at low priority like every run
        worked_example_later(whole_run, inputs + inside, [picture, curve, caption, gif_file], "toy_example",
                             elsewhere=True)
        started = start_button.click(start, inputs + [run_id] + inside, outputs,
                                     api_name="toy_start", concurrency_limit=toy.MAX_RUNS, concurrency_id="toy")
        step_inputs = [family, data, lr, seed, every, points, run_id] + inside
        stepped = [button.click(stepper(phase), step_inputs, outputs, api_name=name, concurrency_limit=toy.MAX_RUNS,
                                concurrency_id="toy")
                   for button, phase, name in ((step_button, "both", "toy_step"), (step_d_button, "d", "toy_step_d"),
                                               (step_g_button, "g", "toy_step_g"))]
        stop_button.click(toy.stop, run_id, caption, api_name="toy_stop", cancels=[started, *stepped],
                          queue=False)
        beta.release(speaks_errors(toy.set_beta), [run_id, beta], caption, api_name="toy_beta", queue=False)
        gif_button.click(gif_of_run, inputs + inside, gif_file, api_name="toy_gif",
                         concurrency_limit=1)
        # a link sets the settings; Start then trains the same run (a seed's run is the same each time)
        lesson_link("toy_start", start_button, inputs + inside, [], keys=keys_of(gif_of_run, inputs + inside))
        timelapse.build()                 # the same, on real pictures: a checkpoint's training, snapshot by snapshot
