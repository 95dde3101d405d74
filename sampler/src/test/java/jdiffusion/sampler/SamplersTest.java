package jdiffusion.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import org.junit.jupiter.api.Test;

/** The registry mirrors the webui v1.10.1 sampler list. */
class SamplersTest {

    @Test
    void namesInWebuiOrder() {
        assertEquals(List.of("DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 2S a",
                "DPM++ 3M SDE", "Euler a", "Euler", "LMS", "Heun", "DPM2", "DPM2 a", "DPM fast", "DPM adaptive",
                "Restart"), Samplers.all().stream().map(SamplerInfo::name).toList());
    }

    @Test
    void aliasesAndOldCombinedNames() {
        assertEquals("Euler a", Samplers.byName("k_euler_ancestral").name());
        assertEquals("DPM++ 2M SDE Heun", Samplers.byName("k_dpmpp_2m_sde_heun").name());
        assertEquals("DPM++ 2M", Samplers.byName("dpm++ 2m karras").name());
        assertEquals(Scheduler.KARRAS, Samplers.schedulerOf("DPM++ 2M Karras"));
        assertEquals("DPM++ 2M SDE", Samplers.byName("DPM++ 2M SDE Exponential").name());
        assertEquals(Scheduler.EXPONENTIAL, Samplers.schedulerOf("DPM++ 2M SDE Exponential"));
        // "DPM++ 2M SDE Heun" is a sampler of its own, not "DPM++ 2M SDE" + a scheduler.
        assertEquals("DPM++ 2M SDE Heun", Samplers.byName("DPM++ 2M SDE Heun").name());
        assertEquals(Scheduler.AUTOMATIC, Samplers.schedulerOf("DPM++ 2M SDE Heun"));
        var e = assertThrows(IllegalArgumentException.class, () -> Samplers.byName("UniPC"));
        assertTrue(e.getMessage().contains("UniPC") && e.getMessage().contains("DPM++ 2M"), e.getMessage());
    }

    @Test
    void catalogListsEverySampler() {
        var names = SamplerCatalog.entries().stream().map(SamplerCatalog.Entry::name).toList();
        assertEquals(20, names.size());
        assertEquals(List.of("DDIM", "DDIM CFG++", "PLMS", "UniPC", "LCM"), names.subList(15, 20));
        var sde = SamplerCatalog.entries().get(1);
        assertEquals("DPM++ SDE", sde.name());
        assertEquals("Karras", sde.defaultSchedule());
        assertEquals("second order, Brownian noise", sde.notes());
    }

    @Test
    void flagsAndDefaults() {
        SamplerInfo dpm2 = Samplers.byName("DPM2");
        assertTrue(dpm2.discardPenultimate() && dpm2.secondOrder());
        assertEquals(Scheduler.KARRAS, dpm2.defaultScheduler());
        SamplerInfo sde3 = Samplers.byName("DPM++ 3M SDE");
        assertTrue(sde3.brownianNoise() && sde3.discardPenultimate());
        assertEquals(Scheduler.EXPONENTIAL, sde3.defaultScheduler());
        assertTrue(Samplers.byName("Euler a").usesEnsd());
        assertFalse(Samplers.byName("Euler").usesEnsd());
        assertEquals(Scheduler.UNIFORM, Samplers.byName("LMS").defaultScheduler());
    }

    @Test
    void onlyTheParametersTheWebuiPasses() {
        SamplerParams req = new SamplerParams(0.5, 0.9, 0.3, 0.1, 10);
        SamplerParams eulerA = Samplers.byName("Euler a").effective(req);
        assertEquals(0.5, eulerA.eta());
        assertEquals(1.0, eulerA.sNoise());
        assertEquals(0.0, eulerA.sChurn());
        SamplerParams euler = Samplers.byName("Euler").effective(req);
        assertEquals(1.0, euler.eta());
        assertEquals(0.9, euler.sNoise());
        assertEquals(0.3, euler.sChurn());
        assertEquals(10, euler.sTmax());
        assertEquals(SamplerParams.DEFAULTS, Samplers.byName("DPM++ 2M").effective(req));
        assertEquals(Double.POSITIVE_INFINITY, SamplerParams.sTmaxFromOption(0));
    }

    @Test
    void automaticScheduleAndDiscard() {
        DiscreteSchedule sd = DiscreteSchedule.stableDiffusion();
        SamplerInfo.Sigmas s = Samplers.byName("DPM2").sigmas(Scheduler.AUTOMATIC, 20, sd, SchedulerOptions.DEFAULTS);
        assertEquals(Scheduler.KARRAS, s.scheduler());
        assertTrue(s.discardedPenultimate());
        assertEquals(21, s.values().length);
        float[] k21 = Scheduler.KARRAS.sigmas(21, sd, SchedulerOptions.DEFAULTS);
        assertEquals(k21[19], s.values()[19]);
        assertEquals(0f, s.values()[20]);

        var always = new SchedulerOptions(0, 0, 0, false, true, false, 0.6, 0.6);
        SamplerInfo.Sigmas e = Samplers.byName("Euler").sigmas(Scheduler.EXPONENTIAL, 10, sd, always);
        assertTrue(e.discardedPenultimate());
        assertEquals(11, e.values().length);
        SamplerInfo.Sigmas u = Samplers.byName("Euler").sigmas(Scheduler.AUTOMATIC, 10, sd, SchedulerOptions.DEFAULTS);
        assertEquals(Scheduler.UNIFORM, u.scheduler());
        assertEquals(0, Ulp.mismatches(sd.uniformSigmas(10), u.values()));
    }
}
