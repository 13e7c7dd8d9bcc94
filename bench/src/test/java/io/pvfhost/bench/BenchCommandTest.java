package io.pvfhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvfhost.common.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the bench as CI would smoke it: --quick, one section (e2e) on our adder (a corpus folder
 * without adder/ leaves out the corpus's adder; its two links feed the switching figure), --json.
 * Checks the shape and that figures are positive, never timing thresholds.
 */
class BenchCommandTest {

    @Test
    void shouldPrintTheE2eFiguresOfTheAdderAsJson(@TempDir Path corpus) throws Exception {
        // the corpus's two adders, linked (not copied) where the bench does not take them for its
        // e2e adder: only the switching figure runs them
        boolean switching = Corpus.root().isPresent();
        if (switching) {
            Files.createDirectories(corpus.resolve("other"));
            for (String name : new String[] {"gossamer-adder", "kagome-adder"}) {
                Files.createSymbolicLink(corpus.resolve("other/" + name + ".code"),
                        Corpus.require().resolve("adder/" + name + ".code"));
            }
        } else {
            System.out.println("the switching figure is not checked: " + Corpus.missingMessage());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchCommand.run(new String[] {"--quick", "--only", "e2e", "--json", "--corpus", corpus.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, status, "bench failed:\n" + err);
        JsonNode root = Report.JSON.readTree(out.toString());

        assertTrue(root.get("bench").get("quick").asBoolean());
        assertEquals("e2e", root.get("bench").get("sections").get(0).asText());
        JsonNode machine = root.get("machine");
        assertTrue(machine.get("cores").asInt() > 0);
        positiveFigure(machine.get("memory"), "GiB");
        assertFalse(machine.get("cpuModel").asText().isBlank());
        assertFalse(machine.get("benchJdk").asText().isBlank());
        assertTrue(root.get("jvms").size() >= 1);

        JsonNode adder = root.get("e2e").get("adders").get("pvfs-adder");
        for (String series : new String[] {"host", "worker", "direct"}) {
            JsonNode s = adder.get(series);
            assertEquals("ms", s.get("unit").asText(), series);
            assertTrue(s.get("count").asLong() > 0, series);
            for (String p : new String[] {"p50", "p99", "max"}) {
                assertTrue(s.get(p).asDouble() > 0, series + " " + p);
            }
        }
        assertEquals("ms", adder.get("overheadP50").get("unit").asText());
        assertEquals("ms", adder.get("overheadP99").get("unit").asText());
        positiveRatio(adder.get("hostVsDirectP50"));
        positiveRatio(adder.get("hostVsDirectP99"));

        JsonNode throughput = root.get("e2e").get("throughput");
        positiveFigure(throughput.get("singleExecution"), "ms");
        JsonNode one = throughput.get("workers").get("1");
        positiveFigure(one.get("throughput"), "requests/s");
        positiveRatio(one.get("ofIdeal"));
        positiveFigure(one.get("directProcesses"), "requests/s");
        positiveRatio(one.get("ofDirectProcesses"));
        positiveFigure(one.get("hostCpuPerRequest"), "ms");
        positiveFigure(one.get("workersCpuPerRequest"), "ms");
        assertEquals("%", one.get("machineBusy").get("unit").asText());
        assertEquals(E2eSection.QUICK_HOST_WARMUP, one.get("hostWarmupRequests").asInt(), "--quick warms each host a fixed amount");
        assertTrue(throughput.get("hostWarmup").asText().startsWith("pvfs-adder"), throughput.toString());

        JsonNode switched = root.get("e2e").get("switching");
        if (switching) {
            assertEquals(2, switched.get("runtimes").asInt());
            assertEquals(4, switched.get("keptArtifacts").asInt(), "the default execute.worker-kept-artifacts");
            for (String series : new String[] {"keepingConfigured", "keepingOne"}) {
                assertEquals(4 * 2, switched.get(series).get("count").asInt(), series + ": 4 measured requests per runtime");
                assertTrue(switched.get(series).get("p50").asDouble() > 0, series);
            }
            positiveRatio(switched.get("keepingOneVsConfiguredP50"));
            positiveRatio(switched.get("keepingOneVsConfiguredMean"));
        } else {
            assertNull(switched, "no corpus: no runtimes to switch between");
        }

        JsonNode targets = root.get("targets");
        assertTrue(targets.size() >= 3, "e2e gives the overhead and throughput targets");
        for (JsonNode t : targets) {
            assertTrue(t.has("name") && t.has("target") && t.has("met"), t.toString());
            assertTrue(t.get("measured").has("value") && t.get("measured").has("unit"), t.toString());
        }
    }

    /**
     * The cold section on one real runtime (a corpus made of a link to the corpus's smallest
     * cumulus runtime, not a copy): a fresh worker's first request, the same in a worker that has
     * served adder jobs, and the target rows judged on the JVM the host's settings give its workers
     * (with --quick no cache is made, so the plain one).
     */
    @Test
    void shouldPrintTheColdFiguresOfARuntimeAsJson(@TempDir Path corpus) throws Exception {
        Assumptions.assumeTrue(Corpus.root().isPresent(), Corpus.missingMessage());
        Path runtime = Corpus.require().resolve("cumulus/cumulus-test-parachain-v1.code");
        Files.createDirectories(corpus.resolve("cumulus"));
        Files.createSymbolicLink(corpus.resolve("cumulus/test-parachain.code"), runtime);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchCommand.run(new String[] {"--quick", "--only", "cold", "--json", "--corpus", corpus.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, status, "bench failed:\n" + err);
        JsonNode root = Report.JSON.readTree(out.toString());

        JsonNode cold = root.get("cold");
        assertEquals("test-parachain", cold.get("largestRuntime").asText());
        assertEquals(1, cold.get("jvms").size(), "--quick compares no other JVM");
        String label = cold.get("jvms").fieldNames().next();
        JsonNode jvm = cold.get("jvms").get(label);
        for (String series : new String[] {"spawnToReady", "spawnToFirstAdderResult", "loadToFirstCall",
                "loadToFirstCallWarmWorker"}) {
            assertTrue(jvm.get(series).get("count").asLong() > 0, series);
            assertTrue(jvm.get(series).get("p50").asDouble() > 0, series);
        }
        assertEquals("INVALID: Invalid parachain block data", jvm.get("firstCallOutcome").asText());
        for (String part : new String[] {"readVerifyLoad", "firstCall", "secondCall"}) {
            positiveFigure(jvm.get("loadToFirstCallInProcess").get(part), "ms");
        }

        JsonNode targets = root.get("targets");
        assertEquals(2, targets.size(), targets.toString());
        for (JsonNode t : targets) {
            assertTrue(t.get("note").asText().startsWith(label), "judged on the host's workers' JVM: " + t);
        }
        assertTrue(targets.get(1).get("note").asText().contains("in a worker that has served another PVF"), targets.toString());
    }

    private static void positiveFigure(JsonNode figure, String unit) {
        assertEquals(unit, figure.get("unit").asText(), figure.toString());
        assertTrue(figure.get("value").asDouble() > 0, figure.toString());
    }

    private static void positiveRatio(JsonNode ratio) {
        assertEquals("x", ratio.get("unit").asText(), ratio.toString());
        assertTrue(ratio.get("value").asDouble() > 0, ratio.toString());
        for (String side : new String[] {"numerator", "denominator"}) {
            JsonNode f = ratio.get(side);
            assertFalse(f.get("name").asText().isBlank(), ratio.toString());
            assertFalse(f.get("unit").asText().isBlank(), ratio.toString());
            assertTrue(f.get("value").asDouble() > 0, ratio.toString());
        }
    }
}
