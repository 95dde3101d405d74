package jdiffusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.infotext.InfotextParser;
import jdiffusion.sd.infotext.PngInfotext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jdiffusion infotext}: the webui's "PNG Info" — the generation parameters a PNG carries. */
@Command(name = "infotext", mixinStandardHelpOptions = true,
        description = "Print the generation parameters (the 'parameters' text) of a webui or jdiffusion PNG, as written "
                + "or parsed into fields.",
        footer = {"", "Exit codes: 0 printed; 1 the image has no parameters; 4 file missing or not an image."})
public final class InfotextCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PNG", description = "The image.")
    Path file;

    @Option(names = "--parsed", description = "Print the parsed fields (key: value, one a line) as the webui's paste reads them.")
    boolean parsed;

    @Option(names = "--json", description = "Print the parsed fields as a JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Env env = main.env();
        PrintWriter out = spec.commandLine().getOut();
        Path p = env.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw CliException.file(file + ": no such file");
        }
        Map<String, String> texts;
        try {
            ImageFiles.read(p);
            texts = ImageFiles.readPngText(p);
        } catch (IOException e) {
            throw CliException.file(e.getMessage());
        }
        String text = texts.get(PngInfotext.KEY);
        if (text == null) {
            spec.commandLine().getErr().println("jdiffusion infotext: " + file + " has no generation parameters"
                    + (texts.isEmpty() ? "" : " (text chunks: " + String.join(", ", texts.keySet()) + ")"));
            return ExitCodes.NOTHING;
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(InfotextParser.parse(text)));
        } else if (parsed) {
            InfotextParser.parse(text).forEach((k, v) -> out.println(k + ": " + v.replace("\n", "\\n")));
        } else {
            out.println(text);
            texts.forEach((k, v) -> {
                if (!k.equals(PngInfotext.KEY)) {
                    out.println(k + ": " + v);
                }
            });
        }
        out.flush();
        return ExitCodes.OK;
    }
}
