from tide.cli import main

main()
