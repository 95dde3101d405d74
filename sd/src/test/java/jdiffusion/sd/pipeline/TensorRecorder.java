package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.tensor.Tensor;

/** A listener that keeps every traced tensor of a run (by name; hires-pass names prefixed "hires/"). */
final class TensorRecorder implements ProgressListener {
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    final List<Phase> phases = new ArrayList<>();
    final List<StepProgress> steps = new ArrayList<>();
    final int iteration;
    /** Filled in by tests that keep the run's first infotext and output image here. */
    String info;
    jdiffusion.sd.image.Image output;
    GenerationResult result;

    TensorRecorder(int iteration) {
        this.iteration = iteration;
    }

    TensorRecorder() {
        this(0);
    }

    @Override
    public boolean wantsTensors() {
        return true;
    }

    @Override
    public void tensor(TensorEvent e) {
        if (e.iteration() == iteration) {
            tensors.put((e.hiresPass() ? "hires/" : "") + e.name(), e.value());
        }
    }

    @Override
    public void phaseStarted(Phase phase) {
        phases.add(phase);
    }

    @Override
    public void step(StepProgress s) {
        steps.add(s);
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new AssertionError("no traced tensor '" + name + "' (have " + tensors.keySet() + ")");
        }
        return t;
    }

    int calls() {
        int n = 0;
        while (tensors.containsKey("call." + n + ".x")) {
            n++;
        }
        return n;
    }
}
