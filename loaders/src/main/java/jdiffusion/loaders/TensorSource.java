package jdiffusion.loaders;

import java.util.LinkedHashSet;
import java.util.Set;
import jdiffusion.tensor.Tensor;

/**
 * Named tensors, e.g. a checkpoint's state dict. Names use the project's one internal naming: the
 * original LDM / A1111 single-file layout ({@code model.diffusion_model.input_blocks.1.0...},
 * {@code first_stage_model.*}, {@code cond_stage_model.*}, {@code conditioner.embedders.N.*});
 * loaders map other layouts (diffusers) onto it.
 */
public interface TensorSource {

    /** All tensor names, in a stable order. */
    Set<String> names();

    /** The tensor called {@code name}; a {@link MissingTensorException} names it when absent. */
    Tensor tensor(String name);

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** Where these tensors come from, for error messages (a file path, "diffusers folder X", ...). */
    String description();

    /**
     * The tensors whose names start with {@code prefix}, with the prefix removed: a model component
     * reads {@code input_blocks.1.0.in_layers.0.weight} from {@code source.scoped("model.diffusion_model.")}.
     */
    default TensorSource scoped(String prefix) {
        TensorSource outer = this;
        return new TensorSource() {
            @Override
            public Set<String> names() {
                Set<String> out = new LinkedHashSet<>();
                for (String n : outer.names()) {
                    if (n.startsWith(prefix)) {
                        out.add(n.substring(prefix.length()));
                    }
                }
                return out;
            }

            @Override
            public Tensor tensor(String name) {
                return outer.tensor(prefix + name);
            }

            @Override
            public boolean contains(String name) {
                return outer.contains(prefix + name);
            }

            @Override
            public String description() {
                return outer.description() + " [" + prefix + "*]";
            }
        };
    }
}
