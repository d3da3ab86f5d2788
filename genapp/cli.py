"""Command line: python -m genapp train|eval|generate|melody|reply|interpolate|toy|uses|bench|augment|publish|data."""
import argparse
import json
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m genapp", description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fmt = argparse.ArgumentDefaultsHelpFormatter

    p = sub.add_parser("train", help="rebuild a checkpoint from data", formatter_class=fmt)
    p.add_argument("name", help="checkpoint name, e.g. vae-mnist")
    p.add_argument("--data", "-d", default=None, help="data directory (default: the recipe's)")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None, help="override the recipe's step count")
    p.add_argument("--lr", type=float, default=None, help="override the recipe's learning rate")
    p.add_argument("--batch-size", "-b", type=int, default=None, help="override the recipe's batch size")
    p.add_argument("--storage", choices=("float32", "float16"), default=None,
                   help="override the recipe's weights file dtype (float16: half the size, computed in float32)")
    p.add_argument("--out", "-o", default=None, help="output folder (default: checkpoints/<name>)")
    p.add_argument("--snapshots", type=int, default=0, metavar="K",
                   help="also keep the weights at K steps (log-spaced from 100 to the last) as a time-lapse, in "
                        "<out>-timelapse/ (a VAE, GAN or RBM; its weights stored as float16)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="override one of the recipe's training options, e.g. weight_decay=1e-3")
    p.add_argument("--model", action="append", default=[], metavar="KEY=VALUE",
                   help="override one of the model's config values, e.g. latent_dim=32")

    p = sub.add_parser("eval", help="measure checkpoints on the test split, print a table per checkpoint",
                       formatter_class=fmt)
    p.add_argument("names", nargs="+", help="checkpoint names, or 'all'")
    p.add_argument("--data", "-d", default=None, help="data directory (default: the recipe's)")
    p.add_argument("--quick", action="store_true", help="fewer IWAE images and AIS temperatures (a smoke test)")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--write-card", action="store_true", help="write the figures into metrics.json and the model card")
    p.add_argument("--timelapse", action="store_true", help="measure each snapshot of the checkpoints' time-lapses "
                   "(train --snapshots) instead; --write-card puts the figures into their timelapse.json")

    p = sub.add_parser("generate", help="write the grid the Image tab shows (.png), clips of a sound "
                       "checkpoint (.wav), or names of a text checkpoint (.txt)", formatter_class=fmt)
    p.add_argument("name", help="checkpoint name, e.g. gan-mnist")
    p.add_argument("--n", "-n", type=int, default=16, help="how many samples (1-64 pictures, 1-8 clips, 1-50 names)")
    p.add_argument("--seed", "-s", type=int, default=0)
    p.add_argument("--label", "-l", default="any", help="class: 'any', an index 0-9 or a class name")
    p.add_argument("--steps", type=int, default=None, help="Gibbs steps (RBM only)")
    p.add_argument("--temperature", "-t", type=float, default=1.0, help="letter temperature (text VAE only)")
    p.add_argument("--instrument", default=None, help="instrument family of a note (notes checkpoints, with --pitch)")
    p.add_argument("--pitch", default=None, help="a note name, e.g. C4 or F#3 (notes checkpoints, with --instrument)")
    p.add_argument("--out", "-o", required=True, help="file to write: .png for pictures, .wav for sound, "
                   ".txt for names")

    p = sub.add_parser("melody", help="a tune played by one generated instrument (or one morphing into another), "
                       "as the Melody panel plays it: a WAV", formatter_class=fmt)
    p.add_argument("name", help="a notes checkpoint, e.g. gan-notes")
    p.add_argument("--tune", required=True, help="note names with lengths in beats, e.g. 'C4 E4 G4 C5:2' (R: a rest)")
    p.add_argument("--instrument", default="piano", help="instrument family")
    p.add_argument("--to-instrument", default=None, help="morph into this family across the tune")
    p.add_argument("--seed", "-s", type=int, default=0)
    p.add_argument("--bpm", type=float, default=100, help="beats per minute")
    p.add_argument("--out", "-o", required=True, help="the WAV to write")

    p = sub.add_parser("reply", help="replies to a line of Shakespeare from a reply checkpoint, as the Reply panel "
                       "shows them: each scored and marked new or seen", formatter_class=fmt)
    p.add_argument("name", nargs="?", default="vae-replies", help="a reply checkpoint")
    p.add_argument("--line", required=True, help="the line to reply to, e.g. 'When will he be here?'")
    p.add_argument("--n", "-n", type=int, default=5, help="how many replies (1-20)")
    p.add_argument("--seed", "-s", type=int, default=0)
    p.add_argument("--temperature", "-t", type=float, default=None,
                   help="the letter temperature, 0.1-2 (default: the checkpoint's own, 0.8 for vae-replies)")
    p.add_argument("--out", "-o", default=None, help="also write the replies, one per line, to this .txt")

    p = sub.add_parser("data", help="write a data set that is rendered, not downloaded, to a folder", formatter_class=fmt)
    p.add_argument("dataset", choices=("notes", "emoji"),
                   help="notes: every instrument note, rendered from the soundfont; emoji: every emoji picture, "
                        "drawn from the OpenMoji and Noto colour fonts")
    p.add_argument("--out", "-o", required=True, help="folder to write the WAV (notes) or PNG (emoji) files into")
    p.add_argument("--soundfont-dir", default=None, help="folder holding the soundfont (default: the data set's)")

    p = sub.add_parser("interpolate", help="walk between two points of a checkpoint's latent space: an "
                       "animated GIF or the captioned strip (.png) for pictures, a WAV for sound, a .txt of "
                       "names for text", formatter_class=fmt)
    p.add_argument("name", help="checkpoint name, e.g. vae-mnist, gan-fsdd, gan-names")
    p.add_argument("--from", dest="from_seed", required=True, metavar="SEED|FILE|NAME",
                   help="seed of the start; or a picture or sound file placed in latent space; or, for a "
                        "text checkpoint, a name")
    p.add_argument("--to", dest="to_seed", required=True, metavar="SEED|FILE|NAME",
                   help="seed of the end; or a picture or sound file (with --from FILE); or, for a text "
                        "checkpoint, a name")
    p.add_argument("--steps", type=int, default=16, help="points on the path, ends included (2-32)")
    p.add_argument("--slerp", action="store_true", help="spherical path instead of a straight line")
    p.add_argument("--from-label", default="any", help="class at the start ('any': the seed picks)")
    p.add_argument("--to-label", default="any", help="class at the end")
    p.add_argument("--out", "-o", required=True, help="file to write: .gif (the film) or .png (the strip); "
                   ".wav for sound; .txt for names")

    p = sub.add_parser("toy", help="train a tiny model on 2-D toy points on the CPU, as the Watch it train tab "
                       "does, and write the run as an animated GIF", formatter_class=fmt)
    p.add_argument("--family", "-f", default="gan-vs-pacgan", help="gan, pacgan, gan-vs-pacgan, vae, rbm, or all "
                   "(GAN, VAE and RBM side by side)")
    p.add_argument("--data", "-d", default="ring", help="ring, grid, moons or points (with --points)")
    p.add_argument("--points", default="", help="'x, y; x, y; ...' for --data points")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--every", type=int, default=50, help="steps between frames")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the family's)")
    p.add_argument("--seed", "-s", type=int, default=0)
    p.add_argument("--overlays", action="store_true", help="draw what each model does inside: the GAN's "
                   "discriminator, warped grid and pushes; the VAE's warped grid and posteriors; the RBM's density and chains")
    p.add_argument("--loss", default="bce", help="the GAN's loss: bce (non-saturating), minimax, hinge or lsgan")
    p.add_argument("--optimizer", default="adam", help="adam or sgd (the GAN's and the VAE's)")
    p.add_argument("--width", type=int, default=64, help="hidden units of the GAN's nets")
    p.add_argument("--depth", type=int, default=2, help="hidden layers of the GAN's nets")
    p.add_argument("--beta", type=float, default=1.0, help="the VAE's KL weight")
    p.add_argument("--sampler", default="pcd", help="the RBM's negative phase: pcd (persistent chains) or cd1")
    p.add_argument("--g-lr-scale", type=float, default=1.0, help="the GAN's generator's learning rate over its "
                   "discriminator's")
    p.add_argument("--out", "-o", required=True, help="the GIF to write")

    p = sub.add_parser("uses", help="measure the Uses tab's curves over many pictures: denoising PSNR by noise "
                       "strength, compression PSNR by bits, inpainting error by region", formatter_class=fmt)
    p.add_argument("use", choices=("denoise", "compress", "inpaint"))
    p.add_argument("--dataset", default="mnist", help="mnist or fashion")
    p.add_argument("--n", "-n", type=int, default=200, help="pictures, an equal share of each class")
    p.add_argument("--source", default="test", choices=("test", "gan"), help="the test split, or GAN samples")
    p.add_argument("--data", "-d", default=None, help="data directory for --source test (default: the data set's)")
    p.add_argument("--noise", default="gaussian", help="denoise: gaussian or salt-pepper")
    p.add_argument("--seed", "-s", type=int, default=0)

    p = sub.add_parser("bench", help="time the app's operations on this machine", formatter_class=fmt)
    p.add_argument("--quick", action="store_true", help="fewer repetitions")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--lesson", action="store_true", help="only the lesson: 30 students at a person's pace for two "
                   "minutes (--quick: 10 for 30 s); errors, p50/p95 and the server's CPU per request")
    p.add_argument("--vocoder", action="store_true", help="only the vocoder: Griffin-Lim's iterations against what "
                   "the evaluator hears after it, 300 samples of each sound generator (--quick: 100)")

    p = sub.add_parser("augment", help="train a small classifier on 100 real digits, then on them plus 1,000 "
                       "generated ones; print both test accuracies", formatter_class=fmt)
    p.add_argument("--generator", "-g", nargs="+", default=["vae-mnist", "gan-mnist", "rbm-mnist"],
                   help="class-conditional image generators of one data set")
    p.add_argument("--real", type=int, default=100, help="real training examples (a multiple of 10)")
    p.add_argument("--generated", type=int, default=1000, help="generated examples (a multiple of 10)")
    p.add_argument("--seeds", type=int, default=5, help="repeats (seeds 0, 1, ...): mean ± sd")
    p.add_argument("--steps", type=int, default=300, help="training steps of each classifier")
    p.add_argument("--data", "-d", default=None, help="data directory (default: the data set's)")
    p.add_argument("--quick", action="store_true", help="one seed (seed 0 of the full run)")
    p.add_argument("--write-card", action="store_true", help="write the figures into augment.json and the model card")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("publish", help="upload the bundled checkpoints to the Hugging Face Hub, one model repo "
                       "<prefix><name> each, or with --datasets their training data, one dataset repo <prefix><data "
                       "set> each (HF_ENDPOINT picks the server, HF_TOKEN the account)", formatter_class=fmt)
    p.add_argument("--repo-prefix", required=True, help="'owner/genapp-' publishes vae-mnist as owner/genapp-vae-mnist")
    p.add_argument("--datasets", action="store_true",
                   help="publish the data sets (mnist, fashion, fsdd, notes, names) from their local folders, not the checkpoints")
    p.add_argument("--only", nargs="+", default=None, metavar="NAME",
                   help="only these checkpoints, or data sets with --datasets (None: all of them)")
    p.add_argument("--dry-run", action="store_true", help="list the files and sizes that would be uploaded; no network")

    args = parser.parse_args(argv)
    if args.command == "publish":
        from huggingface_hub.errors import HfHubHTTPError, LocalTokenNotFoundError
        from .publish import publish, publish_datasets
        try:
            (publish_datasets if args.datasets else publish)(args.repo_prefix, args.only, args.dry_run)
        except (ValueError, LocalTokenNotFoundError, HfHubHTTPError) as e:
            sys.exit(f"error: {e}")
    elif args.command == "train":
        from .card import write_card
        from .train import train
        try:
            parse = lambda pairs: {k: json.loads(v) for k, v in (o.split("=", 1) for o in pairs)}
            write_card(train(args.name, args.data, args.device, args.seed, args.steps, args.out, parse(args.option),
                             parse(args.model), args.lr, args.batch_size, args.storage, args.snapshots))
        except ValueError as e:   # includes a malformed KEY=VALUE
            sys.exit(f"error: {e}")
    elif args.command == "eval" and args.timelapse:
        from .eval.timelapse import main as timelapse_main
        timelapse_main(args.names, args.data, args.write_card)
    elif args.command == "eval":
        from .eval.run import main as eval_main
        eval_main(args.names, args.data, args.quick, args.json, args.write_card)
    elif args.command == "generate":
        from . import studio
        studio.fix_threads()                   # the same bytes as the UI
        kind = args.out.lower().rsplit(".", 1)[-1]
        try:
            if kind == "txt":
                result = studio.generate_names(args.name, args.n, args.seed, args.temperature, args.steps)
                data = result.text.encode()
            elif kind == "wav" and (args.instrument or args.pitch):
                result = studio.generate_notes(args.name, args.instrument, args.pitch, args.n, args.seed, args.steps)
                data = result.wav
            elif kind == "wav":
                result = studio.generate_audio(args.name, args.n, args.seed, args.label, args.steps)
                data = result.wav
            else:
                result = studio.generate_images(args.name, args.n, args.seed, args.label, args.steps)
                data = result.png
        except studio.BadRequest as e:
            sys.exit(f"error: {e}")
        with open(args.out, "wb") as f:
            f.write(data)
        print(f"{args.out}: {args.n} samples of {args.name}, seed {args.seed}, {result.ms:.0f} ms")
    elif args.command == "melody":
        from . import studio
        studio.fix_threads()                   # the same bytes as the UI
        try:
            m = studio.play_melody(args.name, args.tune, args.instrument, args.to_instrument, args.seed, args.bpm)
        except studio.BadRequest as e:
            sys.exit(f"error: {e}")
        with open(args.out, "wb") as f:
            f.write(m.wav)
        print(f"{args.out}: {len(m.pcm) / m.sample_rate:.1f} s of {args.name}, seed {args.seed}, {m.ms:.0f} ms")
    elif args.command == "reply":
        from . import studio
        studio.fix_threads()
        try:
            r = studio.reply(args.line, args.n, args.seed, args.name, args.temperature)
        except studio.BadRequest as e:
            sys.exit(f"error: {e}")
        print(f"{args.name}, seed {args.seed}, temperature {r.temperature:g}: {r.distinct} distinct of "
              f"{len(r.replies)} replies to {r.line!r} in {r.ms:.0f} ms")
        for text, nats, seen in zip(r.replies, r.nats_per_char, r.seen):
            scores = "(ends at once)" if nats is None else f"{nats:.2f} nats/char"
            print(f"  {text!r:66} {scores}  {'seen' if seen else 'new'}")
        if args.out:
            with open(args.out, "w") as f:
                f.write(r.text)
    elif args.command == "data":
        from .data.emoji import write_emoji
        from .data.notes import write_notes
        try:
            count = (write_notes(args.out, args.soundfont_dir) if args.dataset == "notes" else write_emoji(args.out))
        except (OSError, ImportError) as e:
            sys.exit(f"error: {e}")
        print(f"{args.out}: {count} {args.dataset} as {'WAV' if args.dataset == 'notes' else 'PNG'} files")
    elif args.command == "interpolate":
        from . import studio
        studio.fix_threads()                   # the same bytes as the UI
        seed_or = lambda v: int(v) if v.isdigit() else None
        try:
            if args.name in studio.generators("text"):
                w = studio.walk_names(args.name, seed_or(args.from_seed) or 0, seed_or(args.to_seed) or 0, args.steps,
                                      args.slerp, "" if args.from_seed.isdigit() else args.from_seed,
                                      "" if args.to_seed.isdigit() else args.to_seed)
                data, what = w.text.encode(), " -> ".join(w.names)
            else:
                read = lambda path: open(path, "rb").read(studio.checks.MAX_UPLOAD_BYTES + 1)
                to_sample = None if args.to_seed.isdigit() else read(args.to_seed)
                if args.from_seed.isdigit() and to_sample is not None:
                    raise studio.BadRequest("To walk to a file, start from a file too (--from FILE).")
                if args.from_seed.isdigit():
                    r = studio.walk(args.name, int(args.from_seed), int(args.to_seed), args.steps, args.slerp,
                                    args.from_label, args.to_label)
                else:
                    encoded, r = studio.walk_from_picture(args.name, read(args.from_seed), args.from_label,
                                                          seed_or(args.to_seed) or 0, args.to_label, args.steps,
                                                          args.slerp, to_picture=to_sample)
                    print(f"{args.from_seed}: placed by {encoded.method} in {encoded.ms:.0f} ms, "
                          f"reconstruction error {encoded.error:.4f}")
                kind = args.out.lower().rsplit(".", 1)[-1]
                data = r.wav if kind == "wav" and r.wav else r.png if kind == "png" else r.gif
                what = "the evaluator sees " + " -> ".join(dict.fromkeys(r.recognised))
        except OSError as e:
            sys.exit(f"error: cannot read {e.filename}: {e.strerror}")
        except studio.BadRequest as e:
            sys.exit(f"error: {e}")
        with open(args.out, "wb") as f:
            f.write(data)
        print(f"{args.out}: {args.steps} steps of {args.name}; {what}")
    elif args.command == "toy":
        from .studio import toy
        frames = []
        try:
            for f in toy.train_toy(args.family, args.data, args.lr, args.steps, args.seed, args.every, args.points,
                                   beta=args.beta, loss=args.loss, optimizer=args.optimizer, width=args.width,
                                   overlays=args.overlays, sampler=args.sampler, g_lr_scale=args.g_lr_scale,
                                   depth=args.depth):
                frames.append(f.picture)
                if f.step % 500 == 0 or f.done:
                    print(f"step {f.step} | {f.caption.split(' · ', 1)[1]}")
        except toy.BadRequest as e:
            sys.exit(f"error: {e}")
        with open(args.out, "wb") as out:
            out.write(toy.gif(frames))
        print(f"{args.out}: {f.step} steps in {f.seconds:.1f} s, {len(frames)} frames, a frame every "
              f"{f.seconds / len(frames):.2f} s")
    elif args.command == "augment":
        from .eval.augment import main as augment_main
        augment_main(args.generator, args.real, args.generated, args.seeds, args.steps, args.data, args.quick,
                     args.write_card, args.json)
    elif args.command == "uses":
        from .studio.uses_report import report
        try:
            print(report(args.use, args.dataset, args.n, args.source, args.data, args.noise, args.seed))
        except ValueError as e:   # studio.BadRequest, a malformed argument
            sys.exit(f"error: {e}")
    elif args.command == "bench" and args.lesson:
        from .lesson import main as lesson_main
        lesson_main(quick=args.quick, as_json=args.json)
    elif args.command == "bench" and args.vocoder:
        from .bench import vocoder_main
        vocoder_main(quick=args.quick, as_json=args.json)
    elif args.command == "bench":
        from .bench import main as bench_main
        bench_main(quick=args.quick, as_json=args.json)
