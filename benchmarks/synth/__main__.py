from benchmarks.synth.cli import main

main()
