import MLOpsCLI

await MLOpsCLI.main()
