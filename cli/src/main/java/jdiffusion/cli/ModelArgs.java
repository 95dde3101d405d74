package jdiffusion.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which checkpoint and auxiliary files to use, and on which device (shared by the generating commands). */
public final class ModelArgs {
    @Option(names = "--model", paramLabel = "CKPT",
            description = {"Stable Diffusion checkpoint (.safetensors, .ckpt, diffusers folder) or a name in "
                + "MODELS/Stable-diffusion (webui: Stable Diffusion checkpoint).",
                "Default: the first checkpoint in models/Stable-diffusion, else the bundled tiny test model "
                + "testdata/models/tiny-sd15.safetensors (random weights: checks the pipeline, makes noise-like pictures)."})
    Path model;

    @Option(names = "--vae", paramLabel = "FILE", description = "A separate VAE file or a name in MODELS/VAE (webui: SD VAE).")
    Path vae;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "The webui-style models folder (Stable-diffusion/, Lora/, VAE/, embeddings/, ESRGAN/). "
                    + "Default: ./models, else models/ in the jdiffusion folder, when present.")
    Path modelsDir;

    @Option(names = "--lora-dir", paramLabel = "DIR", description = "LoRA files folder (default MODELS/Lora).")
    Path loraDir;

    @Option(names = "--embeddings-dir", paramLabel = "DIR", description = "Textual-inversion embeddings folder (default MODELS/embeddings).")
    Path embeddingsDir;

    @Option(names = "--esrgan-dir", paramLabel = "DIR", description = "ESRGAN upscaler models folder (default MODELS/ESRGAN).")
    Path esrganDir;

    @Option(names = "--device", paramLabel = "DEV",
            description = "auto (default: CUDA when a usable GPU is present, else the CPU), cpu, cuda or cuda:N.")
    String device = "auto";

    @Option(names = "--no-hash", description = "Do not hash the checkpoint for the infotext's Model hash (saves seconds on large files).")
    boolean noHash;
}
