package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.execute.LoadedArtifact;
import io.pvfhost.worker.prepare.Preparation;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The class cache training's large module is valid, has one interpreted function and computes the same compiled. */
class TrainingModuleTest {

    @Test
    void shouldBeTheSameModuleEveryTime() {
        assertArrayEquals(TrainingModule.bytes(), TrainingModule.bytes());
    }

    @Test
    void shouldLeaveItsBigFunctionToTheInterpreterAndComputeAsTheInterpreterDoes() throws Exception {
        byte[] wasm = TrainingModule.bytes();
        var m = Parser.parse(wasm); // validates
        assertEquals(3 + TrainingModule.SMALL_FUNCTIONS, m.functionSection().functionCount());
        assertTrue(m.codeSection().getFunctionBody(0).instructions().size() > 80_000);
        var compiled = Preparation.prepare(wasm, new Preparation.Limits(3L << 20, 30L << 20), ExecutorParams.DEFAULT);
        assertEquals(Set.of(0), compiled.interpretedFunctions());
        assertTrue(compiled.classes().keySet().stream().filter(n -> n.contains("FuncGroup_")).count() >= 4,
                "compiled functions in several classes: " + compiled.classes().keySet());
        LoadedArtifact a = LoadedArtifact.load(compiled);
        Instance ours = Instance.builder(a.module()).withMachineFactory(a.machineFactory()).build();
        Instance plain = Instance.builder(m).build();
        for (int arg : new int[] {0, 1, 7, -5}) {
            for (String export : new String[] {"big", "run"}) {
                assertEquals(plain.export(export).apply(arg)[0], ours.export(export).apply(arg)[0], export + "(" + arg + ")");
            }
        }
    }
}
