package jdiffusion.loaders;

/** A model asked for a tensor the checkpoint does not have. */
public class MissingTensorException extends ModelFormatException {
    public MissingTensorException(String source, String name) {
        super(source + ": no tensor named '" + name + "'");
    }
}
