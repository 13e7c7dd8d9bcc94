package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.Hex;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.types.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class AdderChainTest {
    private static byte[] corpusHex(String rel) throws IOException {
        return Hex.decode(Files.readString(CliRun.corpus().resolve(rel), StandardCharsets.UTF_8));
    }

    @Test
    void shouldBuildTheAdderCollatorsGenesisHead() throws IOException {
        assertArrayEquals(corpusHex("adder/kagome_adder-collator_genesis.state.hex"), AdderChain.genesisHead());
    }

    @Test
    void shouldPredictTheHeadOfTheGenesisVector() throws IOException {
        ValidationParams params = ValidationParams.decode(corpusHex("adder/adder_genesis.params.hex"));
        assertArrayEquals(AdderChain.genesisHead(), params.parentHead());
        assertArrayEquals(AdderChain.blockData(0, 5), params.blockData());
        ValidationResult expected = ValidationResult.decode(corpusHex("adder/adder_genesis.expected_output.hex"));
        assertArrayEquals(expected.headData(), AdderChain.nextHead(params.parentHead(), 0, 5));
        assertEquals(1, AdderChain.number(expected.headData()));
    }
}
