package jdiffusion.sd.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code AND} splitting and extra-network tags, against the webui's {@code get_multicond_prompt_list}
 * and {@code extra_networks.parse_prompt} / {@code extra_networks_lora.activate} (expected values
 * from running those functions).
 */
class AndAndExtraNetworksTest {

    @Test
    void andSplitting() {
        assertEquals(List.of(new SubPrompt("a cat", 1.0), new SubPrompt(" a dog", 0.5), new SubPrompt(" (x)", -1.0)),
                AndSplitter.split("a cat AND a dog:0.5 AND (x):-1"));
        assertEquals(List.of(new SubPrompt("ANDROID", 1.0), new SubPrompt(" x", 1.0)), AndSplitter.split("ANDROID AND x"));
        assertEquals(List.of(new SubPrompt("a", 1.0), new SubPrompt("", 1.0)), AndSplitter.split("a AND"));
        assertEquals(List.of(new SubPrompt("", 1.0), new SubPrompt("", 1.0)), AndSplitter.split("AND"));
        assertEquals(List.of(new SubPrompt("a", 1.5)), AndSplitter.split("a:1.5"));
        assertEquals(List.of(new SubPrompt("a", 2.0)), AndSplitter.split("a : 2 "));
        assertEquals(List.of(new SubPrompt("x", -0.5)), AndSplitter.split("x :-.5"));
        assertEquals(List.of(new SubPrompt("a:1.2.3", 1.0)), AndSplitter.split("a:1.2.3"));
        assertEquals(List.of(new SubPrompt("(a:1.2)", 1.0)), AndSplitter.split("(a:1.2)"));
        assertEquals(List.of(new SubPrompt("a", 1.0), new SubPrompt(" b", 3.0)), AndSplitter.split("a\nAND b: 3."));
        assertEquals(List.of(new SubPrompt("a ANDb AND_c", 1.0)), AndSplitter.split("a ANDb AND_c"));
        assertEquals(List.of(new SubPrompt("tom & jerry", 2.0)), AndSplitter.split("tom & jerry :2"));
    }

    @Test
    void andBatchSharesIdenticalTexts() {
        AndSplitter.MultiCond mc = AndSplitter.splitBatch(List.of("a AND b:2", "b AND a"));
        assertEquals(List.of("a", " b", "b", " a"), mc.texts());
        mc = AndSplitter.splitBatch(List.of("x AND y", "x AND y:0.5"));
        assertEquals(List.of("x", " y"), mc.texts());
        assertEquals(List.of(new AndSplitter.Weighted(0, 1.0), new AndSplitter.Weighted(1, 0.5)), mc.indexes().get(1));
    }

    @Test
    void seedGuidePromptWithLora() {
        ExtraNetworks.Parsed p = ExtraNetworks.parse(
                "1girl,solo,cat ears,(blush:1.2),[smile], <lora:ill-xl-01-KonYa666_4:1>, masterpiece");
        assertEquals("1girl,solo,cat ears,(blush:1.2),[smile], , masterpiece", p.prompt());
        List<LoraActivation> acts = LoraActivation.fromNetworks(p.networks(), null);
        assertEquals(List.of(new LoraActivation("ill-xl-01-KonYa666_4", 1.0, 1.0, Optional.empty())), acts);
        assertEquals(List.of(new PromptFragment("1girl,solo,cat ears,", 1.0), new PromptFragment("blush", 1.2),
                        new PromptFragment(",", 1.0), new PromptFragment("smile", 0.9090909090909091),
                        new PromptFragment(", , masterpiece", 1.0)),
                EmphasisParser.parse(p.prompt()));
    }

    @Test
    void loraArguments() {
        assertEquals(new LoraActivation("x", 0.7, 0.7, Optional.empty()), only("<lora:x:0.7>"));
        assertEquals(new LoraActivation("x", 1.0, 0.5, Optional.empty()), only("<lora:x:1:0.5>"));
        assertEquals(new LoraActivation("x", 1.0, 0.3, Optional.empty()), only("<lora:x:unet=0.3>"));
        assertEquals(new LoraActivation("x", 0.5, 0.5, Optional.of(8)), only("<lora:x:te=0.5:dyn=8>"));
        assertEquals(new LoraActivation("x", 0.5, 0.2, Optional.of(4)), only("<lora:x:0.5:0.2:4>"));
        assertEquals(new LoraActivation("a=b=c", 1.0, 1.0, Optional.empty()), only("<lora:a=b=c:1>"));
        assertEquals(new LoraActivation(" x ", 0.5, 0.5, Optional.empty()), only("<lora: x :0.5 >"));
        assertEquals(new LoraActivation("y", 1.0, 1.0, Optional.empty()), only("<lyco:y>"));
    }

    private static LoraActivation only(String prompt) {
        List<LoraActivation> a = LoraActivation.fromNetworks(ExtraNetworks.parse(prompt).networks(), null);
        assertEquals(1, a.size(), prompt);
        return a.getFirst();
    }

    @Test
    void tagOrderKindsAndRemoval() {
        ExtraNetworks.Parsed p = ExtraNetworks.parse("<lyco:a:0.8> <lora:b:1>");
        assertEquals(" ", p.prompt());
        assertEquals(List.of("a", "b"), LoraActivation.fromNetworks(p.networks(), null).stream().map(LoraActivation::name).toList());
        p = ExtraNetworks.parse("<lora:x:0.5:0.2:4> text <lora:y>");
        assertEquals(" text ", p.prompt());
        assertEquals("a <b>c</b>", ExtraNetworks.parse("a <b>c</b>").prompt(), "HTML-like text is not a tag");
        List<String> ignored = new ArrayList<>();
        assertTrue(LoraActivation.fromNetworks(ExtraNetworks.parse("<foo:bar> x").networks(), ignored).isEmpty());
        assertEquals(List.of("foo"), ignored);
    }

    @Test
    void hypernetIsRejectedClearly() {
        Map<String, List<ExtraNetworkParams>> n = ExtraNetworks.parse("a <hypernet:h:1>").networks();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> LoraActivation.fromNetworks(n, null));
        assertTrue(e.getMessage().contains("<hypernet:h:1>"), e.getMessage());
    }

    @Test
    void badMultiplierNamesTheTag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> only("<lora:x:abc>"));
        assertTrue(e.getMessage().contains("<lora:x:abc>") && e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void onlyTheFirstPromptSuppliesTags() {
        ExtraNetworks.ParsedBatch b = ExtraNetworks.parseBatch(List.of("a <lora:x:1>", "b <lora:y:1>"));
        assertEquals(List.of("a ", "b "), b.prompts());
        assertEquals(1, b.networks().get("lora").size());
        assertEquals("x", b.networks().get("lora").getFirst().positional().getFirst());
    }
}
