from parledger.cli import main

main()
